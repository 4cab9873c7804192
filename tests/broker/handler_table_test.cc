#include "broker/handler_table.h"

#include <gtest/gtest.h>

#include "gregor/wire/api_descriptor.h"

namespace gregor::broker {
namespace {

TEST(HandlerTable, SortedUniqueAndWithinTheSchemaRanges) {
  int16_t previous = -1;
  for (const HandlerEntry& e : served_apis()) {
    EXPECT_GT(e.key, previous) << "table must be sorted by key, without duplicates";
    previous = e.key;
    const wire::ApiDescriptor* api = wire::find_api(e.key);
    ASSERT_NE(api, nullptr) << e.key;
    EXPECT_GE(e.min_version, api->min_version);
    EXPECT_LE(e.max_version, api->max_version);
    EXPECT_NE(e.dispatch, nullptr);
    EXPECT_EQ(find_handler(e.key), &e);
  }
}

TEST(HandlerTable, CoreApisKeepMinVersionZero) {
  // librdkafka gates features on the advertised minimum of these.
  for (int16_t key : {3, 18}) {
    const HandlerEntry* e = find_handler(key);
    ASSERT_NE(e, nullptr) << key;
    EXPECT_EQ(e->min_version, 0) << key;
  }
}

}  // namespace
}  // namespace gregor::broker
