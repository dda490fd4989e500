#include <gtest/gtest.h>

#include <regex>

#include "rsolv/report/junit.hpp"

namespace rsolv::report {
namespace {

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// A minimal well-formedness check: every opened element is closed in order.
bool balanced(const std::string& xml) {
  std::vector<std::string> stack;
  std::regex tag(R"(<(/?)([A-Za-z_-]+)[^>]*?(/?)>)");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), tag); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    if (m[3] == "/") continue;  // self-closing
    if (m[1] == "/") {
      if (stack.empty() || stack.back() != m[2]) return false;
      stack.pop_back();
    } else {
      stack.push_back(m[2]);
    }
  }
  return stack.empty();
}

TEST(JUnit, CountsPassesFailuresAndSkips) {
  JUnitSuite suite{"thresholds", {}, 12.5, "2026-11-25T00:00:00Z", {{"scenario", "signup"}}};
  suite.cases.push_back({"http_req_duration p(95)<500", "loadgen", 0, std::nullopt, "", false, "", ""});
  suite.cases.push_back({"http_req_failed rate<0.01", "loadgen", 0, "rate=0.05 is not < 0.01", "details", false, "", ""});
  suite.cases.push_back({"checks", "loadgen", 0, std::nullopt, "", true, "", ""});
  const auto xml = render_junit({suite});
  EXPECT_NE(xml.find("<testsuites tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"thresholds\" tests=\"3\" failures=\"1\""), std::string::npos);
  EXPECT_EQ(count_of(xml, "<testcase "), 3);
  EXPECT_EQ(count_of(xml, "<failure "), 1);
  EXPECT_EQ(count_of(xml, "<skipped/>"), 1);
  EXPECT_NE(xml.find("<property name=\"scenario\" value=\"signup\"/>"), std::string::npos);
  EXPECT_TRUE(balanced(xml)) << xml;
}

TEST(JUnit, ASkipCarriesItsReasonAsTheMessage) {
  JUnitSuite suite{"security", {}, 0, "", {}};
  suite.cases.push_back({"replay", "", 0, std::nullopt, "", true, "", "inconclusive: no answer <timeout>"});
  const auto xml = render_junit({suite});
  EXPECT_NE(xml.find("<skipped message=\"inconclusive: no answer &lt;timeout&gt;\"/>"), std::string::npos) << xml;
  EXPECT_TRUE(balanced(xml)) << xml;
}

TEST(JUnit, EscapesEverythingAUserCanType) {
  JUnitSuite suite{"s<&>", {}, 0, "", {}};
  suite.cases.push_back({"p(95)<500 & \"quoted\" 'x'", "", 0, "a<b>c", "body & <tags>\x01", false, "out <x>", ""});
  const auto xml = render_junit({suite});
  EXPECT_EQ(xml.find("p(95)<500"), std::string::npos);
  EXPECT_NE(xml.find("p(95)&lt;500 &amp; &quot;quoted&quot; &apos;x&apos;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos) << "control characters are not allowed in XML 1.0";
  EXPECT_TRUE(balanced(xml)) << xml;
}

TEST(JUnit, ClassnameDefaultsToTheSuite) {
  JUnitSuite suite{"pci", {{"no card echo", "", 0.25, std::nullopt, "", false, "", ""}}, 0.25, "", {}};
  EXPECT_NE(render_junit({suite}).find("classname=\"pci\" time=\"0.250\""), std::string::npos);
}

TEST(JUnit, EmptyReportIsStillValid) {
  const auto xml = render_junit({});
  EXPECT_NE(xml.find("<testsuites tests=\"0\""), std::string::npos);
  EXPECT_TRUE(balanced(xml));
}

TEST(JUnit, XmlEscape) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xml_escape("tab\tnew\nline"), "tab\tnew\nline");
}

}  // namespace
}  // namespace rsolv::report
