// Each signing fault, checked with the harness's Stripe verifier (the same code as the sandbox).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rsolv/common/error.hpp"
#include "rsolv/stripe/signature.hpp"
#include "rsolv/webhook_sim/expectation.hpp"
#include "rsolv/webhook_sim/signing.hpp"

namespace st = rsolv::stripe;

namespace rsolv::webhook_sim {
namespace {

const rsolv::Secret kSecret("whsec_unit_secret");
const std::string kBody = R"({"id":"evt_1","object":"event","type":"invoice.paid"})";
constexpr std::int64_t kNow = 1760000000;

st::VerifyResult check(const SignedBody& sent) {
  return st::verify(sent.signature.value_or(""), sent.body, kSecret, kNow);
}

TEST(Signing, ValidDeliveryVerifiesAndMatchesTheKnownVector) {
  EXPECT_TRUE(check(sign_delivery(kBody, kNow, {{kSecret}})).ok());
  const auto vector = sign_delivery(
      R"({"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}})",
      1700000000, {{rsolv::Secret("whsec_test_secret")}});
  EXPECT_EQ(vector.signature, "t=1700000000,v1=db69618a986949b323416b57d0924a9aa087984ffe100403374d1956f1e38bb7");
}

TEST(Signing, EveryTamperIsRefusedForTheRightReason) {
  const auto body = sign_delivery(kBody, kNow, {{kSecret}, Tamper::body});
  EXPECT_NE(body.body, kBody);
  EXPECT_TRUE(nlohmann::json::accept(body.body)) << "still JSON, so only the signature can catch it";
  EXPECT_EQ(check(body).status, st::VerifyStatus::signature_mismatch);
  EXPECT_EQ(check(sign_delivery(kBody, kNow, {{kSecret}, Tamper::signature})).status,
            st::VerifyStatus::signature_mismatch);
  const auto timestamp = sign_delivery(kBody, kNow, {{kSecret}, Tamper::timestamp});
  EXPECT_EQ(timestamp.timestamp, kNow + 1);
  EXPECT_EQ(check(timestamp).status, st::VerifyStatus::signature_mismatch);
  EXPECT_EQ(check(sign_delivery(kBody, kNow, {{kSecret}, Tamper::none, 301})).status,
            st::VerifyStatus::timestamp_too_old);
  EXPECT_TRUE(check(sign_delivery(kBody, kNow, {{kSecret}, Tamper::none, 299})).ok());
  const auto unsigned_body = sign_delivery(kBody, kNow, {{}, Tamper::none, 0, true});
  EXPECT_FALSE(unsigned_body.signature.has_value());
  EXPECT_EQ(check(unsigned_body).status, st::VerifyStatus::missing_header);
}

TEST(Signing, RotationSendsTwoV1EachVerifyingAlone) {
  const auto secrets = parse_rotation("whsec_old,whsec_new");
  const auto sent = sign_delivery(kBody, kNow, {secrets});
  const auto parsed = st::parse_signature_header(*sent.signature);
  ASSERT_TRUE(parsed.header);
  EXPECT_EQ(parsed.header->v1.size(), 2u);
  EXPECT_TRUE(st::verify(*sent.signature, sent.body, rsolv::Secret("whsec_old"), kNow).ok());
  EXPECT_TRUE(st::verify(*sent.signature, sent.body, rsolv::Secret("whsec_new"), kNow).ok());
  EXPECT_THROW(parse_rotation("whsec_only"), rsolv::UsageError);
  EXPECT_THROW(parse_rotation("a,b,c"), rsolv::UsageError);
}

TEST(Signing, DescriptionsNeverContainTheSecret) {
  const auto label = describe({parse_rotation("whsec_old,whsec_new"), Tamper::body, 600});
  EXPECT_EQ(label, "tampered-body,stale-600s,rotated-2v1");
  EXPECT_THROW(parse_tamper("headers"), rsolv::UsageError);
}

TEST(Expectation, ClassesCodesAndLists) {
  EXPECT_TRUE(Expectation::parse("2xx").matches(204));
  EXPECT_FALSE(Expectation::parse("2xx").matches(401));
  EXPECT_TRUE(Expectation::parse("401").matches(401));
  EXPECT_FALSE(Expectation::parse("401").matches(400));
  EXPECT_TRUE(Expectation::parse("200,422").matches(422));
  EXPECT_FALSE(Expectation().matches(0)) << "no answer never matches";
  EXPECT_TRUE(Expectation().matches(500));
  EXPECT_THROW(Expectation::parse("ok"), rsolv::UsageError);
  EXPECT_THROW(Expectation::parse("2xx,"), rsolv::UsageError);
  EXPECT_THROW(Expectation::parse("6xx"), rsolv::UsageError);
}

}  // namespace
}  // namespace rsolv::webhook_sim
