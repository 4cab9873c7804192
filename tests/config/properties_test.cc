#include "gregor/config/properties.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace gregor::config {
namespace {

Properties parse(std::string_view text) {
  auto r = parse_properties(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Properties{};
}

TEST(PropertiesTest, SeparatorsEqualsColonAndWhitespace) {
  auto p = parse("a=1\nb:2\nc 3\nd\t4\ne = 5\nf : 6\ng   =   7\n");
  EXPECT_EQ(p.at("a"), "1");
  EXPECT_EQ(p.at("b"), "2");
  EXPECT_EQ(p.at("c"), "3");
  EXPECT_EQ(p.at("d"), "4");
  EXPECT_EQ(p.at("e"), "5");
  EXPECT_EQ(p.at("f"), "6");
  EXPECT_EQ(p.at("g"), "7");
}

TEST(PropertiesTest, OnlyTheFirstSeparatorSplits) {
  auto p = parse("listeners=PLAINTEXT://host:9092\nk = =v\nm : :v\nn  v=w\n");
  EXPECT_EQ(p.at("listeners"), "PLAINTEXT://host:9092");
  EXPECT_EQ(p.at("k"), "=v");
  EXPECT_EQ(p.at("m"), ":v");
  EXPECT_EQ(p.at("n"), "v=w");
}

TEST(PropertiesTest, CommentsAndBlankLines) {
  auto p =
      parse("# comment\n! also comment\n   # indented comment\n\n   \nkey=value # not a comment\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.at("key"), "value # not a comment");
}

TEST(PropertiesTest, LeadingWhitespaceSkippedTrailingKept) {
  auto p = parse("   key=value   \n");
  EXPECT_EQ(p.at("key"), "value   ");
}

TEST(PropertiesTest, KeyWithoutValueIsEmpty) {
  auto p = parse("alone\nwith.sep=\n");
  EXPECT_EQ(p.at("alone"), "");
  EXPECT_EQ(p.at("with.sep"), "");
}

TEST(PropertiesTest, ContinuationLinesJoinAndDropIndent) {
  auto p = parse("log.dirs=/a,\\\n    /b,\\\n\t/c\nnext=1\n");
  EXPECT_EQ(p.at("log.dirs"), "/a,/b,/c");
  EXPECT_EQ(p.at("next"), "1");
}

TEST(PropertiesTest, EvenBackslashesDoNotContinue) {
  auto p = parse("path=C:\\\\dir\\\\\nnext=1\n");
  EXPECT_EQ(p.at("path"), "C:\\dir\\");
  EXPECT_EQ(p.at("next"), "1");
}

TEST(PropertiesTest, CommentLineEndingInBackslashDoesNotContinue) {
  auto p = parse("# comment \\\nkey=value\n");
  EXPECT_EQ(p.at("key"), "value");
}

TEST(PropertiesTest, ContinuationIntoEmptyLineEndsTheValue) {
  auto p = parse("a=1\\\n\nb=2\n");
  EXPECT_EQ(p.at("a"), "1");
  EXPECT_EQ(p.at("b"), "2");
}

TEST(PropertiesTest, CommentMarkerOnContinuationLineIsText) {
  auto p = parse("a=1,\\\n  # two\n");
  EXPECT_EQ(p.at("a"), "1,# two");
}

TEST(PropertiesTest, TrailingBackslashAtEndOfInputIsDropped) {
  auto p = parse("a=1\\");
  EXPECT_EQ(p.at("a"), "1");
}

TEST(PropertiesTest, CrLfAndCrLineEndings) {
  auto p = parse("a=1\r\nb=2\rc=3\r\nd=4,\\\r\n  5");
  EXPECT_EQ(p.at("a"), "1");
  EXPECT_EQ(p.at("b"), "2");
  EXPECT_EQ(p.at("c"), "3");
  EXPECT_EQ(p.at("d"), "4,5");
}

TEST(PropertiesTest, Escapes) {
  auto p = parse("tab=a\\tb\nnl=a\\nb\nother=\\q\\=\\:\\ x\nkey\\=with\\:seps\\ and\\ space=v\n");
  EXPECT_EQ(p.at("tab"), "a\tb");
  EXPECT_EQ(p.at("nl"), "a\nb");
  EXPECT_EQ(p.at("other"), "q=: x");
  EXPECT_EQ(p.at("key=with:seps and space"), "v");
}

TEST(PropertiesTest, UnicodeEscapesBecomeUtf8) {
  auto p = parse("a=\\u0041\\u00e9\nb=\\uD83D\\uDE00\nc=caf\xC3\xA9\n");
  EXPECT_EQ(p.at("a"), "A\xC3\xA9");
  EXPECT_EQ(p.at("b"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(p.at("c"), "caf\xC3\xA9");  // UTF-8 bytes pass through unchanged.
}

TEST(PropertiesTest, MalformedUnicodeEscapeIsAnErrorWithLine) {
  auto r = parse_properties("ok=1\nbad=\\u12G4\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Malformed \\uxxxx encoding on line 2");
}

TEST(PropertiesTest, LaterDuplicateWins) {
  auto p = parse("num.partitions=1\nnum.partitions=3\n");
  EXPECT_EQ(p.at("num.partitions"), "3");
}

TEST(PropertiesTest, EmptyInput) {
  EXPECT_TRUE(parse("").empty());
}

TEST(PropertiesTest, LoadFileMissingNamesPath) {
  auto r = load_properties_file("/nonexistent/dir/server.properties");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/dir/server.properties"), std::string::npos);
}

TEST(PropertiesTest, LoadFileReadsContent) {
  std::string path = ::testing::TempDir() + "/props_test_server.properties";
  {
    std::ofstream out(path);
    out << "broker.id=7\nlog.dirs=/tmp/x\n";
  }
  auto r = load_properties_file(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("broker.id"), "7");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace gregor::config
