"""The translation-rule emulator (configgen.numbers.sed) against every example Cisco publishes
for `voice translation-rule`: rule, number, and what `test voice translation-rule` (or the
document's table) says comes out. Sources:

- TAC 61083: Cisco TAC document 61083, "Determine Voice Translation Rules"
  (cisco.com/c/en/us/support/docs/voice/call-routing-dial-plans/61083-voice-transla-rules.html);
- TAC 64020: Cisco TAC document 64020, "Configure Number Translation with Voice Translation
  Profiles" (.../call-routing-dial-plans/64020-number-voice-translation-profiles.html);
- CME: Cisco Unified Communications Manager Express Command Reference, chapter "Cisco
  Unified CME Commands: R", command `rule (voice translation-rule)`
  (cisco.com/c/en/us/td/docs/voice_ip_comm/cucme/command/reference/cme_cr/cme_cr_chapter_01111.html).

Four published rows contradict their own rule (ERRATA below, each with the reason); the
emulator is held to what the rule does, and the test checks the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from configgen.numbers.sed import (
    NO_TYPE,
    Translation,
    apply_rule,
    apply_table,
    parse_rule,
    parse_voice_config,
)

T61083 = "TAC 61083"
T64020 = "TAC 64020"
CME = "CME rule (voice translation-rule)"

NO_MATCH = "Didn't match with any of rules"
BLOCKED = "blocked"


@dataclass(frozen=True)
class Example:
    source: str                 # document and section
    rules: tuple[str, ...]      # the table's `rule` lines, as configured
    number: str
    expected: str               # translated number, NO_MATCH or BLOCKED
    matched: int | None = None  # "Matched with rule N"; 0: no rule (a table row showing the number unchanged)
    number_type: str = NO_TYPE  # `test voice translation-rule ... type X plan Y`
    plan: str = NO_TYPE
    new_type: str | None = None  # translated type and plan, where the document prints them
    new_plan: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {' | '.join(self.rules)} on {self.number or '(null)'}"


def _examples(source: str, rules: str | tuple[str, ...], *pairs: tuple[str, str], matched: int | None = None,
              **kwargs: str) -> list[Example]:
    lines = (rules,) if isinstance(rules, str) else rules
    return [Example(source, lines, number, expected,
                    matched if matched is not None or expected in (NO_MATCH, BLOCKED) else 1, **kwargs)
            for number, expected in pairs]


EXAMPLES: list[Example] = [
    # --- TAC 61083 -------------------------------------------------------------------------
    *_examples(f"{T61083}, Simple Match and Replace, Example 1", "rule 1 /123/ /456/",
               ("123", "456"), ("1234", "4564"), ("6123", "6456"), ("6123123", "6456123")),
    *_examples(f"{T61083}, Simple Match and Replace, Example 2", "rule 1 /^123/ /456/",
               ("123", "456"), ("1234", "4564"), ("6123", NO_MATCH)),
    *_examples(f"{T61083}, Simple Match and Replace, Example 3", "rule 1 /^123$/ /456/",
               ("123", "456"), ("1234", NO_MATCH), ("6123", NO_MATCH)),
    *_examples(f"{T61083}, Pattern Match with Wildcards, Example 1", "rule 1 /^40.../ /6666000/",
               ("40123", "6666000")),
    *_examples(f"{T61083}, Pattern Match with Wildcards, Example 2", "rule 1 /.*/ /5554000/",
               ("123", "5554000"), ("86573", "5554000"), ("", "5554000")),
    *_examples(f"{T61083}, Pattern Match with Wildcards, Example 3", "rule 1 /.+/ /5554000/",
               ("123", "5554000"), ("", NO_MATCH)),
    *_examples(f"{T61083}, Pattern Match with Wildcards, Example 4", "rule 1 /^0+/ /909/",
               ("0123456", "909123456"), ("00123456", "909123456"), ("000123456", "909123456"),
               ("123456", NO_MATCH)),
    *_examples(f"{T61083}, Number Slice, Related Example", r"rule 1 /^\(12\)3\(45\)$/ /6\1\2/",
               ("12345", "61245")),
    Example(f"{T61083}, Number Type and Plan, Example 1",
            ("rule 1 /^4/ /904/ type national national", "rule 2 /^4/ /9004/ type international international"),
            "493456567", "90493456567", 1, number_type="national", new_type="national", new_plan=NO_TYPE),
    Example(f"{T61083}, Number Type and Plan, Example 1",
            ("rule 1 /^4/ /904/ type national national", "rule 2 /^4/ /9004/ type international international"),
            "493456567", "900493456567", 2, number_type="international", new_type="international",
            new_plan=NO_TYPE),
    Example(f"{T61083}, Number Type and Plan, Example 2",
            (r"rule 1 /^2\(...$\)/ /01779345\1/ type unknown national plan unknown isdn",),
            "2001", "01779345001", 1, number_type="unknown", plan="unknown", new_type="national", new_plan="isdn"),
    *_examples(f"{T61083}, Reject Calls", "rule 1 reject /^234/", ("1234", NO_MATCH)),
    *_examples(f"{T61083}, Reject Calls", "rule 1 reject /^234/", ("2345", BLOCKED), matched=1),
    *_examples(f"{T61083}, Truncate Numbers Down to the Last Two Digits", r"rule 1 /^.*\(..\)/ /\1/",
               ("12345", "45"), ("123456", "56")),
    *_examples(f"{T61083}, Remove Unwanted Digits in a Number",
               (r"rule 1 /^\(01...\)\-\(......?$\)/ /\1\2/", r"rule 2 /^\(0[12]..\)\-\(...\)\-\(....$\)/ /\1\2\3/"),
               ("01208-333444", "01208333444"), ("01208-72345", "0120872345")),
    *_examples(f"{T61083}, Remove Unwanted Digits in a Number",
               (r"rule 1 /^\(01...\)\-\(......?$\)/ /\1\2/", r"rule 2 /^\(0[12]..\)\-\(...\)\-\(....$\)/ /\1\2\3/"),
               ("0161-333-4444", "01613334444"), ("0208-123-4567", "02081234567"), matched=2),
    # --- TAC 64020, the table of match, replace, dialed and replaced strings ------------------
    # The table writes the first two replacements `/ /`; IOS takes only E.164 characters in a
    # replacement (CME reference) and the row says NULL, so they are empty here.
    *_examples(f"{T64020}, regular expression table", "rule 1 /^$/ //", ("", "")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^.*/ //", ("9195551212", "")),
    *_examples(f"{T64020}, regular expression table", "rule 1 // //", ("9195551212", "9195551212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^392\(.*\)/ /555\1/", ("3921212", "5551212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^\(555\)\(....\)/ /444\2/",
               ("5551212", "4441212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^555\(....\)/ /444\1/", ("5551212", "4441212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /\(^...\)555\(....\)/ /\1444\2/",
               ("9195551212", "9194441212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /\(^...\)\(555\)\(....\)/ /\1444\3/",
               ("9195551212", "9194441212")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /\(.*\)1212$/ /\13434/",
               ("9195551212", "9195553434"), ("555121212", "555123434")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /\(.*\)1212/ /\13434/",
               ("9195551212", "9195553434"), ("555121212", "555123434")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /444/ /555/",
               ("4441212", "5551212"), ("44441212", "55541212"), ("44414441212", "55514441212")),
    # The table's third /^[135]/ row (32345) is in ERRATA.
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[135]/ /9/", ("12345", "92345")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[135]/ /9/", ("22345", "22345"), matched=0),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[1-35]/ /9/", ("1234", "9234"), ("2345", "9345")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[1-35]/ /9/", ("4567", "4567"), ("8456", "8456"),
               matched=0),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[^1-35]/ /9/", ("1234", "1234"),
               ("2345", "2345"), matched=0),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^[^1-35]/ /9/", ("4567", "9567"), ("8456", "9456")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^1#/ //", ("1#456", "456")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^1\#\(.*\)/ /\1/", ("1#456", "456")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^1\*/ //", ("1*456", "456")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^1\*\(.*\)/ /\1/", ("1*456", "456")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /^5+/ /9/",
               ("5888", "9888"), ("55888", "9888"), ("555888", "9888"), ("5588855", "988855")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^\(555\)+\(.*\)/ /444\2/",
               ("5551212", "4441212"), ("555551212", "444551212"), ("5555551212", "4441212"),
               ("5551212555", "4441212555")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /^9?1?\(919\)/ /\1/",
               ("9195551212", "9195551212"), ("19195551212", "9195551212"), ("919195551212", "9195551212"),
               ("99195551212", "9195551212")),
    *_examples(f"{T64020}, regular expression table", "rule 1 /1234/ /00&00/", ("5551234", "55500123400")),
    *_examples(f"{T64020}, regular expression table", r"rule 1 /1234/ /00\000/", ("5551234", "55500123400")),
    # --- TAC 64020, configuration examples and Verify -----------------------------------------
    *_examples(f"{T64020}, Translate Any Number to a Specific Number", r"rule 1 /\(.*\)/ /300/",
               ("5551234", "300")),
    *_examples(f"{T64020}, Translate Inbound Seven Digit Numbers to Four Digits", "rule 1 /^498/ //",
               ("4985555", "5555")),
    *_examples(f"{T64020}, Prefix the Inbound Called Number", "rule 1 // /555/", ("1234", "5551234")),
    Example(f"{T64020}, Change Outbound Calls with a Plan and Type of Unknown to ISDN and National",
            ("rule 1 // // type unknown national plan unknown isdn",), "5551234", "5551234", 1,
            number_type="unknown", plan="unknown", new_type="national", new_plan="isdn"),
    Example(f"{T64020}, Verify", (r"rule 1 /^555\(....\)/ /444\1/",
                                  "rule 2 /777/ /888/ type national unknown plan any isdn"),
            "5551234", "4441234", 1, new_type=NO_TYPE, new_plan=NO_TYPE),
    Example(f"{T64020}, Verify", (r"rule 1 /^555\(....\)/ /444\1/",
                                  "rule 2 /777/ /888/ type national unknown plan any isdn"), "7771234", NO_MATCH),
    Example(f"{T64020}, Verify", (r"rule 1 /^555\(....\)/ /444\1/",
                                  "rule 2 /777/ /888/ type national unknown plan any isdn"),
            "7771234", "8881234", 2, number_type="national", plan="isdn", new_type="unknown", new_plan="isdn"),
    # --- CME command reference: the Usage Guidelines table (three rows in ERRATA) ------------
    *_examples(f"{CME}, Usage Guidelines table", "rule 1 /^.*/ //", ("4085550100", "")),
    *_examples(f"{CME}, Usage Guidelines table", "rule 1 // //", ("4085550100", "4085550100")),
    *_examples(f"{CME}, Usage Guidelines table", r"rule 1 /\(^...\)456\(...\)/ /\1555\2/",
               ("4084560177", "4085550177")),
    *_examples(f"{CME}, Usage Guidelines table", r"rule 1 /\(.*\)0120/ /\10155/", ("4081110120", "4081110155")),
    *_examples(f"{CME}, Usage Guidelines table", r"rule 1 /^1#\(.*\)/ /\1/", ("1#2345", "2345")),
    # --- CME command reference: Examples ---------------------------------------------------------
    *_examples(f"{CME}, Examples (translation rule 21)", ("rule 1 /^5550105/ /14085550105/",
                                                          "rule 2 /^70105/ /14085550105/"),
               ("5550105", "14085550105")),
    *_examples(f"{CME}, Examples (translation rule 21)", ("rule 1 /^5550105/ /14085550105/",
                                                          "rule 2 /^70105/ /14085550105/"),
               ("70105", "14085550105"), matched=2),
    *_examples(f"{CME}, Examples (translation rule 345)", ("rule 1 /^14085550105/ /50105/ plan any national",
                                                           "rule 2 /^014085550105/ /50105/ plan any national"),
               ("14085550105", "50105"), new_plan="national"),
    *_examples(f"{CME}, Examples (translation rule 345)", ("rule 1 /^14085550105/ /50105/ plan any national",
                                                           "rule 2 /^014085550105/ /50105/ plan any national"),
               ("014085550105", "50105"), matched=2, new_plan="national"),
]


@dataclass(frozen=True)
class Erratum:
    source: str
    rule: str
    number: str
    published: str
    actual: str       # what the rule does to the number
    why: str


ERRATA = [
    Erratum(f"{T64020}, regular expression table", "rule 1 /^[135]/ /9/", "32345", "93245", "92345",
            "replacing the leading 3 by 9 cannot reorder the digits that follow (the row's neighbours "
            "12345 -> 92345 show the rule)"),
    Erratum(f"{CME}, Usage Guidelines table", r"rule 1 /^408...\(8333\)/ /555\1/", "4087770100", "5550100",
            "4087770100", "the input holds no 8333, so the rule cannot match; the document's example numbers "
            "were rewritten into the 555-01xx fictional range and this row was not kept consistent"),
    Erratum(f"{CME}, Usage Guidelines table", "rule 1 /1234/ /00&00/", "5550100", "55500010000", "5550100",
            "the input holds no 1234, so the rule cannot match; TAC 64020 publishes the consistent row "
            "(5551234 -> 55500123400)"),
    Erratum(f"{CME}, Usage Guidelines table", r"rule 1 /1234/ /00\000/", "5550100", "55500010000", "5550100",
            "as the row above, with \\0 for &"),
]


def _table(example_rules: tuple[str, ...]):
    parsed = [parse_rule(line) for line in example_rules]
    assert all(parsed), example_rules
    return parsed


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_published_example(example: Example):
    result = apply_table(_table(example.rules), example.number, example.number_type, example.plan)
    if example.expected == NO_MATCH:
        assert result == Translation(example.number, example.number_type, example.plan)
        return
    if example.expected == BLOCKED:
        assert result.blocked and result.number == example.number
    else:
        assert not result.blocked and result.number == example.expected
    if example.matched is not None:
        assert result.rule == (example.matched or None)
    if example.new_type is not None:
        assert result.number_type == example.new_type
    if example.new_plan is not None:
        assert result.plan == example.new_plan


@pytest.mark.parametrize("erratum", ERRATA, ids=lambda e: f"{e.source}: {e.rule} on {e.number}")
def test_published_errata_are_wrong_for_their_own_rule(erratum: Erratum):
    rule = parse_rule(erratum.rule)
    assert rule is not None
    assert apply_table([rule], erratum.number).number == erratum.actual != erratum.published


def test_every_published_example_is_here():
    """95 examples: 32 (TAC 61083) + 44 + 7 (TAC 64020) + 8 + 4 (CME), 4 of them errata."""
    counts = {doc: sum(e.source.startswith(doc) for e in EXAMPLES) + sum(e.source.startswith(doc) for e in ERRATA)
              for doc in (T61083, T64020, CME)}
    assert counts == {T61083: 32, T64020: 51, CME: 12}


def test_replacement_characters_are_copied_as_written():
    """`+1\\1` once came out as `\\+1...`: the replacement's `+ * # - .` are plain characters."""
    assert apply_rule(r"^\(.*\)$", r"+1\1", "4085550100") == "+14085550100"
    assert apply_rule("^9", "*#-.", "9123") == "*#-.123"
    assert apply_rule("^9", r"\&", "9123") == "&123"      # an escaped & is a literal &


def test_ampersand_is_the_whole_match():
    assert apply_rule("1234", "00&00", "5551234") == "55500123400"
    assert apply_rule("^.", "&&", "123") == "1123"


def test_bare_parentheses_are_literal_characters():
    """sed's basic syntax: only `\\(` `\\)` group; `(` in a number is matched as itself."""
    assert apply_rule("(0)", "", "44(0)20") == "4420"
    assert apply_rule(r"\(0\)", "", "44(0)20") == "44()20"


def test_rules_that_cannot_run_are_value_errors():
    with pytest.raises(ValueError, match="group 2"):
        apply_rule(r"\(1\)", r"\2", "1")
    with pytest.raises(ValueError, match=r"/\*1/"):
        apply_rule("*1", "", "1")
    with pytest.raises(ValueError, match="unterminated"):
        apply_rule("[12", "", "1")


def test_rules_run_in_precedence_order_not_typed_order():
    """CME reference: "rule 3 may be entered before rule 1, but the software uses rule 1 before rule 3"."""
    voice = parse_voice_config("voice translation-rule 5\n rule 3 /^1/ /3/\n rule 1 /^1/ /9/\n")
    assert apply_table(voice.rules[5], "123") == Translation("923", rule=1)


def test_reject_rule_with_type_and_type_mismatch():
    (reject,) = _table(("rule 1 reject /^234/ type national",))
    assert apply_table([reject], "2345").rule is None
    assert apply_table([reject], "2345", "national").blocked


@pytest.mark.parametrize("line", ["rule 1 /123/", "rule 1 reject /1/ /2/", "rule 1 /1/ /2/ type national",
                                  "rule 1 /1/ /2/ color red blue", "rule x /1/ /2/"])
def test_malformed_rule_lines_are_not_rules(line: str):
    assert parse_rule(line) is None
