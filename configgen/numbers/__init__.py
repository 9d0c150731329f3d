"""Numbering for VPMN short-number plans and PBX trunks (docs/references.md §4).

- `ranges`: digit ranges ("61000-62999") and the prefix-ambiguity sweep;
- `public`: public (long) number rules, phonenumbers metadata plus configgen's own;
- `plan`: the flattened dial plan of a group (members from YAML and CSV, PBXs, blocks);
- `translate`: the PBX front-end transformations, step by step (the simulator);
- `sed`: an emulator of Cisco `voice translation-rule`s, run on the rendered gateway config by
  `numbers translate` and by tests;
- `export`: the provisioning CSV; `cli`: `configgen numbers ...`.
"""
