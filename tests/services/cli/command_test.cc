// Tests of services/cli/command: how enum-valued options are spelled.
#include "services/cli/command.h"

#include "gtest/gtest.h"
#include "helixmatch/v1/records.pb.h"

namespace helixmatch {
namespace {

TEST(EnumOptionNameTest, DashesBecomeUnderscoresAndThePrefixIsAdded) {
  EXPECT_EQ(EnumOptionName("OUTCOME_KIND_", "contract-signed"),
            "OUTCOME_KIND_CONTRACT_SIGNED");
  EXPECT_EQ(EnumOptionName("CHANNEL_", "Testing"), "CHANNEL_TESTING");
  EXPECT_EQ(EnumOptionName("CHANNEL_", "channel_testing"), "CHANNEL_TESTING");
  EXPECT_EQ(EnumOptionName("CHANNEL_", ""), "CHANNEL_");
}

TEST(ParseEnumOptionTest, ParsesShortAndFullNames) {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  EXPECT_TRUE(ParseEnumOption("--channel", "CHANNEL_", "contract-research",
                              v1::Channel_Parse, &channel));
  EXPECT_EQ(channel, v1::CHANNEL_CONTRACT_RESEARCH);
  EXPECT_TRUE(ParseEnumOption("--channel", "CHANNEL_", "CHANNEL_TESTING",
                              v1::Channel_Parse, &channel));
  EXPECT_EQ(channel, v1::CHANNEL_TESTING);
}

TEST(ParseEnumOptionTest, UnknownValueIsRefused) {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  EXPECT_FALSE(ParseEnumOption("--channel", "CHANNEL_", "telepathy",
                               v1::Channel_Parse, &channel));
  EXPECT_EQ(channel, v1::CHANNEL_UNSPECIFIED);
}

}  // namespace
}  // namespace helixmatch
