// The OpenAPI schemas of MetalLB v0.16.1's nine CRDs, per served version. Field names, types,
// formats, limits, validations and list/map markers follow the release; descriptions are left
// out (kubectl explain on a live cluster has them).
import { anyObject, arr, bool, int, map, obj, str } from "./schema-dsl.ts";

const matchExpressions = arr(obj({ key: str(), operator: str(), values: arr(str(), {"x-kubernetes-list-type":"atomic"}) }, ["key","operator"]), {"x-kubernetes-list-type":"atomic"});
/** A list of Kubernetes label selectors (matchLabels / matchExpressions). */
const labelSelectors = arr(obj({ matchExpressions: matchExpressions, matchLabels: map(str()) }, undefined, {"x-kubernetes-map-type":"atomic"}));

export const crdSchemas = {
  "bfdprofiles.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      detectMultiplier: int({format:"int32",maximum:255,minimum:2}),
      echoInterval: int({format:"int32",maximum:60000,minimum:10}),
      echoMode: bool(),
      minimumTtl: int({format:"int32",maximum:254,minimum:1}),
      passiveMode: bool(),
      receiveInterval: int({format:"int32",maximum:60000,minimum:10}),
      transmitInterval: int({format:"int32",maximum:60000,minimum:10}),
    }),
    status: anyObject,
  }),
},
  "bgpadvertisements.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      aggregationLength: int({default:32,format:"int32",minimum:1}),
      aggregationLengthV6: int({default:128,format:"int32"}),
      communities: arr(str()),
      ipAddressPoolSelectors: labelSelectors,
      ipAddressPools: arr(str()),
      localPref: int({format:"int32"}),
      nodeSelectors: labelSelectors,
      peers: arr(str()),
      serviceSelectors: labelSelectors,
    }, undefined, {
      "x-kubernetes-validations":[{
        message:"serviceSelectors and aggregationLength are mutually exclusive, can only be used together with default aggregationLength (32) and aggregationLengthV6 (128)",
        rule:"!has(self.serviceSelectors) || self.serviceSelectors.size() == 0 || ((!has(self.aggregationLength) || self.aggregationLength == 32) && (!has(self.aggregationLengthV6) || self.aggregationLengthV6 == 128))",
      }],
    }),
    status: anyObject,
  }),
},
  "bgppeers.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      bfdProfile: str(),
      ebgpMultiHop: bool(),
      holdTime: str(),
      keepaliveTime: str(),
      myASN: int({format:"int64",maximum:4294967295,minimum:0}),
      nodeSelectors: arr(obj({
        matchExpressions: arr(obj({ key: str(), operator: str(), values: arr(str(), {minItems:1}) }, ["key","operator","values"])),
        matchLabels: map(str()),
      })),
      password: str(),
      peerASN: int({format:"int64",maximum:4294967295,minimum:0}),
      peerAddress: str(),
      peerPort: int({maximum:16384,minimum:0}),
      routerID: str(),
      sourceAddress: str(),
    }, ["myASN","peerASN","peerAddress"]),
    status: anyObject,
  }),
  v1beta2: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      bfdProfile: str(),
      connectTime: str({
        "x-kubernetes-validations":[{
          message:"connect time should be between 1 seconds to 65535",
          rule:"duration(self).getSeconds() >= 1 && duration(self).getSeconds() <= 65535",
        },{
          message:"connect time should contain a whole number of seconds",
          rule:"duration(self).getMilliseconds() % 1000 == 0",
        }],
      }),
      disableMP: bool({default:false}),
      dualStackAddressFamily: bool({default:false}),
      dynamicASN: str({enum:["internal","external"]}),
      ebgpMultiHop: bool(),
      enableGracefulRestart: bool({
        "x-kubernetes-validations":[{message:"EnableGracefulRestart cannot be changed after creation",rule:"self == oldSelf"}],
      }),
      holdTime: str(),
      interface: str(),
      keepaliveTime: str(),
      localASN: int({format:"int64",maximum:4294967295,minimum:1}),
      myASN: int({format:"int64",maximum:4294967295,minimum:0}),
      nodeSelectors: labelSelectors,
      password: str(),
      passwordSecret: obj({ name: str(), namespace: str() }, undefined, {"x-kubernetes-map-type":"atomic"}),
      peerASN: int({format:"int64",maximum:4294967295,minimum:0}),
      peerAddress: str(),
      peerPort: int({default:179,maximum:16384,minimum:1}),
      routerID: str(),
      sourceAddress: str(),
      vrf: str(),
    }, ["myASN"]),
    status: anyObject,
  }),
},
  "communities.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({ communities: arr(obj({ name: str(), value: str() })) }),
    status: anyObject,
  }),
},
  "configurationstates.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    status: obj({
      conditions: arr(obj({
        lastTransitionTime: str({format:"date-time"}),
        message: str({maxLength:32768}),
        observedGeneration: int({format:"int64",minimum:0}),
        reason: str({maxLength:1024,minLength:1,pattern:"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"}),
        status: str({enum:["True","False","Unknown"]}),
        type: str({
          maxLength:316,
          pattern:"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
        }),
      }, ["lastTransitionTime","message","reason","status","type"]), {"x-kubernetes-list-map-keys":["type"],"x-kubernetes-list-type":"map"}),
      errorSummary: str(),
      result: str({enum:["Valid","Invalid","Unknown"]}),
    }),
  }),
},
  "ipaddresspools.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      addresses: arr(str()),
      autoAssign: bool({default:true}),
      avoidBuggyIPs: bool({default:false}),
      serviceAllocation: obj({
        namespaceSelectors: labelSelectors,
        namespaces: arr(str()),
        priority: int(),
        serviceSelectors: labelSelectors,
      }),
    }, ["addresses"]),
    status: obj({
      assignedIPv4: int({format:"int64"}),
      assignedIPv6: int({format:"int64"}),
      availableIPv4: int({format:"int64"}),
      availableIPv6: int({format:"int64"}),
    }, ["assignedIPv4","assignedIPv6","availableIPv4","availableIPv6"]),
  }, ["spec"]),
},
  "l2advertisements.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: obj({
      interfaces: arr(str()),
      ipAddressPoolSelectors: labelSelectors,
      ipAddressPools: arr(str()),
      nodeSelectors: labelSelectors,
      serviceSelectors: labelSelectors,
    }),
    status: anyObject,
  }),
},
  "servicebgpstatuses.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: anyObject,
    status: obj({
      node: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
      peers: arr(str()),
      serviceName: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
      serviceNamespace: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
    }),
  }),
},
  "servicel2statuses.metallb.io": {
  v1beta1: obj({
    apiVersion: str(),
    kind: str(),
    metadata: anyObject,
    spec: anyObject,
    status: obj({
      interfaces: arr(obj({ name: str() })),
      node: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
      serviceName: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
      serviceNamespace: str({"x-kubernetes-validations":[{message:"Value is immutable",rule:"self == oldSelf"}]}),
    }),
  }),
},
};

