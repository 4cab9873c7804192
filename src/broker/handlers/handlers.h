// Declarations of every request handler, one per API; each is defined in handlers/<api>.cc.
#pragma once

#include "broker/request.h"
#include "gregor/wire/gen/apis.h"

namespace gregor::broker {

#define GREGOR_DECLARE_HANDLER(Name, key)                                \
  void handle_##Name(RequestContext& ctx, wire::Name##Request&& request, \
                     Reply<wire::Name##Response> reply);
GREGOR_WIRE_FOR_EACH_API(GREGOR_DECLARE_HANDLER)
#undef GREGOR_DECLARE_HANDLER

}  // namespace gregor::broker
