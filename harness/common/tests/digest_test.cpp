#include <gtest/gtest.h>

#include "rsolv/common/digest.hpp"

namespace rsolv {
namespace {

// FIPS 180-2 test vectors.
TEST(Digest, Sha256HexMatchesTheStandardVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, RawBytesAreTheHexDigestDecoded) {
  const auto bytes = sha256_bytes("abc");
  ASSERT_EQ(bytes.size(), 32u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(bytes[31]), 0xad);
}

}  // namespace
}  // namespace rsolv
