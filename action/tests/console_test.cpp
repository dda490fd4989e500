#include "rsolv/action/console.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace rsolv::action {
namespace {

const std::string kKey = "rsolv_TESTKEYtestkeyTESTKEYtestkeyTESTKEYtes";

TEST(Console, OnARunnerTheMaskIsTheFirstLineAndOnlyOnce) {
  std::ostringstream out, err;
  Console console(out, err, /*actions=*/true);
  console.protect(Secret(kKey));
  console.protect(Secret(kKey));
  console.line("checking with " + kKey);
  EXPECT_EQ(out.str(), "::add-mask::" + kKey + "\nchecking with rsolv_...[redacted]\n");
  EXPECT_EQ(err.str(), "");
}

TEST(Console, InATerminalTheKeyIsNeverPrintedNotEvenToMaskIt) {
  std::ostringstream out, err;
  Console console(out, err, /*actions=*/false);
  console.protect(Secret(kKey));
  console.annotate(Level::error, "title", "bad key " + kKey);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "rsolv-action: error: bad key rsolv_...[redacted]\n");
}

TEST(Console, KeyShapedTokensAreRedactedEvenWhenNeverRegistered) {
  EXPECT_EQ(redact_key_shapes("x rsolv_abcdefghijklmnopqrstuvwxyz0123 y"), "x rsolv_...[redacted] y");
  EXPECT_EQ(redact_key_shapes("rsolv_action and rsolv-action stay"), "rsolv_action and rsolv-action stay");
  std::ostringstream out, err;
  Console console(out, err, true);
  console.line("leak rsolv_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");
  EXPECT_EQ(out.str(), "leak rsolv_...[redacted]\n");
}

TEST(Console, AnnotationsAreEscapedWorkflowCommandsOnARunner) {
  std::ostringstream out, err;
  Console console(out, err, true);
  console.annotate(Level::warning, "RSOLV: api, down", "50% failed\nretry");
  EXPECT_EQ(out.str(), "::warning title=RSOLV%3A api%2C down::50%25 failed%0Aretry\n");
}

TEST(Console, GroupsWrapDetailsOnARunnerAndDetailsNeedVerboseInATerminal) {
  std::ostringstream out, err;
  Console runner(out, err, true);
  runner.begin_group("RSOLV API");
  runner.detail("GET x -> 200");
  runner.detail("::set-output name=x::y");
  runner.end_group();
  EXPECT_EQ(out.str(), "::group::RSOLV API\nGET x -> 200\n ::set-output name=x::y\n::endgroup::\n");

  std::ostringstream quiet_out, quiet_err;
  Console quiet(quiet_out, quiet_err, false);
  quiet.begin_group("RSOLV API");
  quiet.detail("GET x -> 200");
  quiet.end_group();
  EXPECT_EQ(quiet_out.str() + quiet_err.str(), "");
  quiet.set_verbose(true);
  quiet.detail("GET x -> 200");
  EXPECT_EQ(quiet_err.str(), "  GET x -> 200\n");
}

TEST(Console, TextWithLineBreaksCannotSmuggleAWorkflowCommandOntoARunner) {
  std::ostringstream out, err;
  Console console(out, err, true);
  console.detail("upstream said: oops\n::add-mask::nothing\r\n::error::fake\rlast");
  EXPECT_EQ(out.str(), "upstream said: oops\n ::add-mask::nothing\n ::error::fake\nlast\n");
}

}  // namespace
}  // namespace rsolv::action
