// gregor CONFIG_FILE [--override key=value ...]: the broker process, started the way
// kafka-server-start starts Kafka. Exit status: 0 after a clean shutdown, 1 for a bad
// command line, a bad configuration or a failed start (as kafka.Kafka exits).
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/version.h"
#include "gregor/config/broker_config.h"
#include "gregor/config/properties.h"
#include "gregor/obs/logging.h"

namespace {

using gregor::config::CommandLine;

int run(const CommandLine& cmd) {
  auto log_config =
      gregor::obs::logging_config_from_env([](const char* name) { return std::getenv(name); });
  if (!log_config) {
    std::fprintf(stderr, "gregor: %s\n", log_config.error().c_str());
    return 1;
  }
  gregor::obs::configure_logging(*log_config);
  auto log = gregor::obs::logger("kafka.Kafka");

  auto props = gregor::config::load_broker_properties(cmd);
  if (!props) {
    log.error("Exiting Kafka due to fatal exception: {}", props.error().message);
    std::fprintf(stderr, "gregor: %s\n", props.error().message.c_str());
    return 1;
  }
  auto config = gregor::config::BrokerConfig::create(*props);
  if (!config) {
    log.error("Exiting Kafka due to fatal exception: {}", config.error().message);
    std::fprintf(stderr, "gregor: %s\n", config.error().message.c_str());
    return 1;
  }
  for (const auto& warning : config->warnings()) {
    gregor::obs::logger("kafka.server.KafkaConfig").warn("{}", warning);
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  int status = 0;
  {
    gregor::broker::Broker broker(&loop, std::move(*config));
    broker.start([&status](bool ok) {
      if (!ok) status = 1;
    });
    uv_run(&loop, UV_RUN_DEFAULT);
    if (broker.failed()) status = 1;
  }
  // Handles closed by the broker's shutdown may still need one more turn of the loop.
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cmd = gregor::config::parse_command_line(args);
  if (!cmd) {
    std::fprintf(stderr, "gregor: %s\n\n%s", cmd.error().c_str(),
                 gregor::config::usage_text("gregor").c_str());
    return 1;
  }
  switch (cmd->action) {
    case CommandLine::Action::kHelp:
      // kafka.Kafka prints its usage and exits 1, with no arguments and with --help alike.
      std::fputs(gregor::config::usage_text("gregor").c_str(), stderr);
      return 1;
    case CommandLine::Action::kVersion:
      std::printf("gregor %s (Kafka protocol of Apache Kafka %s, ZooKeeper mode)\n",
                  gregor::broker::kVersion, gregor::broker::kKafkaVersion);
      return 0;
    case CommandLine::Action::kRun:
      break;
  }
  return run(*cmd);
}
