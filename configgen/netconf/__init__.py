"""NETCONF: vendor-native YANG payloads, their validation against the vendors' models.

`payload` turns the same merged per-device values the CLI templates print
(configgen.render.build_device_configs) into the XML a NETCONF `<edit-config>` carries, for
the families whose vendor publishes YANG models (Platform.netconf_models);
`validate` checks "device baseline + payload" against a model set with libyang
(docs/netconf.md). libyang is imported only by `validate`: render and check without
`--yang` never need it.
"""
