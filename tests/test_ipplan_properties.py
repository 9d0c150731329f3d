"""Property tests: the IP plan checks agree with brute force on random plans."""

from __future__ import annotations

import ipaddress
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from configgen.checks.ipplan import Claim, check_interconnect, overlaps
from configgen.inventory.yamlsource import SourceMap
from configgen.services.addressing import other_host

# Networks in a small address space (10.0.0.0/20), so random plans overlap often.
@st.composite
def random_network(draw):
    prefixlen = draw(st.integers(20, 30))
    address = ipaddress.IPv4Address("10.0.0.0") + draw(st.integers(0, 4095))
    return ipaddress.IPv4Network(f"{address}/{prefixlen}", strict=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(random_network(), max_size=25, unique=True))
def test_overlap_sweep_finds_exactly_the_overlapping_pairs(nets):
    # Distinct subnets: one finding per overlapping pair. (A subnet used several times is
    # one finding for all its uses: the next test.)
    claims = [Claim(n, "pool", "r1", f"s{i}", ("services", i)) for i, n in enumerate(nets)]
    found = {frozenset((f.field, f.related[0].split(": ")[-1])) for f in overlaps(claims, SourceMap())}
    expected = {
        frozenset((f"services[{i}]", f"services[{j}]"))
        for (i, a), (j, b) in combinations(enumerate(nets), 2) if a.overlaps(b)
    }
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(random_network(), max_size=40))
def test_overlap_sweep_reports_every_overlapping_pair_of_subnets(nets):
    """With repeated subnets: every pair of overlapping subnets (and every subnet used more
    than once) is reported, by at most 5 findings each, whatever the repetitions."""
    claims = [Claim(n, "pool", "r1", f"s{i}", ("services", i)) for i, n in enumerate(nets)]
    at = {f"services[{i}]": n for i, n in enumerate(nets)}
    findings = list(overlaps(claims, SourceMap()))
    reported = [frozenset((at[f.field], at[f.related[0].split(": ")[-1]])) for f in findings]
    expected = {frozenset((a, b)) for a, b in combinations(nets, 2) if a.overlaps(b)}
    assert set(reported) == expected
    assert all(reported.count(pair) <= 5 for pair in expected)


@settings(max_examples=300, deadline=None)
@given(random_network(), st.integers(0, 3))
def test_same_family_claims_never_conflict(net, _):
    claims = [Claim(net, "LAN", "r1", f"s{i}", ("services", i), family=("interface", "r1", "Gi0/1", "x"))
              for i in range(3)]
    assert list(overlaps(claims, SourceMap())) == []


class _Wan:
    def __init__(self, address, peer=None):
        self.address, self.peer = address, peer


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(24, 32))
def test_interconnect_accepts_exactly_the_two_hosts_of_a_30(value, prefixlen):
    address = ipaddress.IPv4Interface(f"{ipaddress.IPv4Address(value)}/{prefixlen}")
    findings = list(check_interconnect(_Wan(address), ("services", 0, "wan"), SourceMap()))
    network = address.network
    usable = prefixlen == 30 and address.ip not in (network.network_address, network.broadcast_address)
    assert (not findings) == usable
    if usable:
        peer = other_host(address)
        assert peer in network and peer != address.ip and peer not in (network.network_address,
                                                                         network.broadcast_address)
        assert not list(check_interconnect(_Wan(address, peer), ("w",), SourceMap()))
    else:
        assert findings[0].field == "services[0].wan.address"
