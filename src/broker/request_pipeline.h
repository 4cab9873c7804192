// Turns frames from the network layer into handler calls: reads the request header, gates
// the API version as Kafka does, and dispatches through the handler table.
//
// Kafka's rules, which clients depend on: an unknown API key or an unsupported version
// closes the connection, except for ApiVersions, which is answered in its v0 layout with
// UNSUPPORTED_VERSION and the ApiVersions range we do support (KIP-511), so that a newer
// client can retry with a version we share.
#pragma once

#include "broker/request_metrics.h"
#include "gregor/net/frame_handler.h"

namespace gregor::broker {

class Broker;

class RequestPipeline : public net::FrameHandler {
 public:
  RequestPipeline(Broker* broker, obs::Registry& metrics) : broker_(broker), metrics_(metrics) {}

  void on_frame(net::Connection& connection, net::RequestSlot slot, net::Frame frame) override;
  void on_connection_closed(const net::Connection& connection) override;

 private:
  Broker* broker_;
  RequestMetrics metrics_;
};

}  // namespace gregor::broker
