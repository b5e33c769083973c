#!/usr/bin/env python3
"""Writes sdk/test/cases.json: the language-neutral assignment vectors (hash version 1).

An independent implementation of the specification at the top of sdk/src/hash.ts and in
sdk/src/targeting.ts, written from the text rather than from the TypeScript. Every
implementation of the assignment function (the SDK in the browser and in Lambda, and any
other language) must pass these vectors.

Usage: python3 sdk/scripts/make-cases.py   (standard library only; deterministic output)
"""

import json
import math
import os

HASH_VERSION = 1
BUCKETS = 10000
MASK = 0xFFFFFFFF

OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "cases.json")


# --- hash ---------------------------------------------------------------------------

def utf16_units(text):
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def fnv1a32(units):
    h = 0x811C9DC5
    for unit in units:
        h ^= unit
        h = (h * 0x01000193) & MASK
    return h


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def hash_v1(text):
    return fmix32(fnv1a32(utf16_units(text)))


def bucket(text):
    return hash_v1(text) % BUCKETS


# Reference FNV-1a 32 values (Fowler/Noll/Vo test suite; ASCII, so bytes == code units)
# and the fixed point of fmix32, to show this file's primitives are the textbook ones.
assert fnv1a32(utf16_units("")) == 0x811C9DC5
assert fnv1a32(utf16_units("a")) == 0xE40C292C
assert fnv1a32(utf16_units("foobar")) == 0xBF9CF968
assert fmix32(0) == 0
assert utf16_units("\U0001F600") == [0xD83D, 0xDE00]


# --- assignment ---------------------------------------------------------------------

def js_round(x):
    """JavaScript Math.round: half up (Python's round() is half-to-even)."""
    floor = math.floor(x)
    return floor + 1 if x - floor >= 0.5 else floor


def is_number(value):
    return type(value) in (int, float)


def js_string(value):
    """JavaScript String(value) for the attribute types the vectors use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, str):
        return value
    raise ValueError("no JavaScript formatting for %r in this script" % (value,))


def usable(config, visitor):
    return (
        isinstance(visitor, str)
        and len(visitor) > 0
        and isinstance(config, dict)
        and is_number(config.get("hashVersion"))
        and config.get("hashVersion") == HASH_VERSION
        and isinstance(config.get("seed"), str)
    )


def included(config, visitor):
    coverage = config.get("coverage")
    if not is_number(coverage) or not (0 <= coverage <= 1):
        return False
    return bucket("%s:inc:%s" % (config["seed"], visitor)) < js_round(coverage * BUCKETS)


def variant(config, visitor):
    variants = config.get("variants")
    if not isinstance(variants, list) or not variants:
        return None
    for v in variants:
        if not isinstance(v, dict):
            return None
        if not isinstance(v.get("key"), str) or v["key"] == "":
            return None
        w = v.get("weight")
        if not is_number(w) or math.isnan(w) or math.isinf(w) or w < 0:
            return None
    total = 0.0
    for v in variants:
        total += v["weight"]
    if js_round(total * BUCKETS) != BUCKETS:
        return None
    b = bucket("%s:var:%s" % (config["seed"], visitor))
    running = 0.0
    for index, v in enumerate(variants):
        running += v["weight"]
        upper = BUCKETS if index == len(variants) - 1 else js_round(running * BUCKETS)
        if b < upper:
            return v["key"]
    raise AssertionError("unreachable: the last boundary is %d" % BUCKETS)


OPERATORS = {
    "equals": (False, lambda actual, wanted: actual == wanted),
    "contains": (False, lambda actual, wanted: wanted in actual),
    "starts_with": (False, lambda actual, wanted: actual.startswith(wanted)),
    "ends_with": (False, lambda actual, wanted: actual.endswith(wanted)),
    "not_equals": (True, lambda actual, wanted: actual == wanted),
    "not_contains": (True, lambda actual, wanted: wanted in actual),
}


def rule_matches(rule, attributes):
    if not isinstance(rule, dict):
        return False
    name, values, operator = rule.get("attribute"), rule.get("values"), rule.get("operator")
    if not isinstance(name, str) or not isinstance(values, list):
        return False
    if not all(isinstance(v, str) for v in values):
        return False
    if operator not in OPERATORS:
        return False
    negated, test = OPERATORS[operator]
    value = attributes.get(name) if isinstance(attributes, dict) else None
    if value is None:
        return negated
    actual = js_string(value).lower()
    hit = any(test(actual, wanted.lower()) for wanted in values)
    return not hit if negated else hit


def targeted(config, attributes):
    rules = config.get("targeting")
    if rules is None:
        return True
    if not isinstance(rules, list):
        return False
    return all(rule_matches(rule, attributes) for rule in rules)


def assign(config, visitor, attributes=None):
    if not usable(config, visitor):
        return None
    if not targeted(config, attributes):
        return None
    if not included(config, visitor):
        return None
    return variant(config, visitor)


# --- vectors ------------------------------------------------------------------------

def experiment(seed, weights, coverage=1, targeting=None, keys=None, **overrides):
    keys = keys or ["control", "b", "c", "d"][: len(weights)]
    config = {
        "key": "exp-" + seed,
        "phase": 1,
        "seed": seed,
        "hashVersion": HASH_VERSION,
        "coverage": coverage,
        "variants": [
            {"key": key, "weight": weight, "control": index == 0, "payload": {}}
            for index, (key, weight) in enumerate(zip(keys, weights))
        ],
        "targeting": targeting or [],
        "goals": [{"key": "purchase", "primary": True, "revenue": True}],
        "stages": [],
    }
    config.update(overrides)
    return config


def visitor_with(seed, salt, wanted_bucket, prefix="visitor"):
    """The first id `prefix-N` whose bucket for `seed:salt:` is `wanted_bucket`."""
    n = 0
    while True:
        candidate = "%s-%d" % (prefix, n)
        if bucket("%s:%s:%s" % (seed, salt, candidate)) == wanted_bucket:
            return candidate
        n += 1


def visitor_where(predicate, prefix="visitor"):
    n = 0
    while True:
        candidate = "%s-%d" % (prefix, n)
        if predicate(candidate):
            return candidate
        n += 1


HASH_INPUTS = [
    "",
    "a",
    "foobar",
    "hello world",
    "upshot",
    "0",
    "visitor-1",
    "3f0b6c1e-8a2d-4c5e-9f7a-1b2c3d4e5f60",
    "s3cr3t-seed:inc:3f0b6c1e-8a2d-4c5e-9f7a-1b2c3d4e5f60",
    "s3cr3t-seed:var:3f0b6c1e-8a2d-4c5e-9f7a-1b2c3d4e5f60",
    "\u00fc",
    "M\u00fcller",
    "\u65e5\u672c\u8a9e",
    "\U0001F600",
    "smile \U0001F600 \U0001F44D\U0001F3FD",
    "\ud800",
    "\u0000",
    "\uffff",
    "\u00e9t\u00e9 \u2014 caf\u00e9",
    "x" * 256,
]

BUCKET_INPUTS = HASH_INPUTS + [
    "seed-a:inc:visitor-%d" % n for n in range(5)
] + [
    "seed-a:var:visitor-%d" % n for n in range(5)
]


UNCHECKED = object()


def assign_cases():
    cases = []

    def add(name, config, visitor, attributes=None, check=UNCHECKED):
        actual = assign(config, visitor, attributes)
        if check is not UNCHECKED:
            assert actual == check, (name, actual, check)
        case = {"name": name, "config": config, "visitor": visitor}
        if attributes is not None:
            case["attributes"] = attributes
        case["expected"] = actual
        cases.append(case)

    # Variant boundaries: the ids are chosen to land on either side of each boundary.
    weight_sets = [
        ("split-50-50", [0.5, 0.5], [(0, "control"), (4999, "control"), (5000, "b"), (9999, "b")]),
        ("split-10-90", [0.1, 0.9], [(999, "control"), (1000, "b")]),
        ("split-thirds", [1 / 3, 1 / 3, 1 / 3],
         [(3332, "control"), (3333, "b"), (6666, "b"), (6667, "c"), (9999, "c")]),
        ("split-20-30-50", [0.2, 0.3, 0.5],
         [(1999, "control"), (2000, "b"), (4999, "b"), (5000, "c"), (9999, "c")]),
        # 0.7 + 0.2 = 0.8999999999999999 in doubles: the boundary rounds to 9000, not 8999.
        ("split-70-20-10", [0.7, 0.2, 0.1], [(8999, "b"), (9000, "c")]),
    ]
    for seed, weights, points in weight_sets:
        config = experiment(seed, weights)
        for wanted_bucket, key in points:
            visitor = visitor_with(seed, "var", wanted_bucket)
            add("%s: variant bucket %d chooses %s" % (seed, wanted_bucket, key),
                config, visitor, check=key)
    for seed in ("split-50-50", "split-20-30-50"):
        config = experiment(seed, [0.5, 0.5] if seed == "split-50-50" else [0.2, 0.3, 0.5])
        for visitor in ("6f1d2b4a-0c3e-4f5a-8b9c-0d1e2f3a4b5c", "a"):
            add("%s: an ordinary visitor id" % seed, config, visitor)

    config = experiment("zero-first", [0, 1])
    add("a zero-weight first variant is never chosen",
        config, visitor_with("zero-first", "var", 0), check="b")
    config = experiment("zero-last", [1, 0])
    add("a zero-weight last variant is never chosen, even for bucket 9999",
        config, visitor_with("zero-last", "var", 9999), check="control")

    # Coverage.
    config = experiment("coverage-none", [0.5, 0.5], coverage=0)
    add("coverage 0 includes no one (inclusion bucket 0)",
        config, visitor_with("coverage-none", "inc", 0), check=None)
    add("coverage 0 includes no one", config, "visitor-0", check=None)
    config = experiment("coverage-all", [0.5, 0.5], coverage=1)
    add("coverage 1 includes everyone (inclusion bucket 9999)",
        config, visitor_with("coverage-all", "inc", 9999))
    config = experiment("coverage-37", [0.5, 0.5], coverage=0.37)
    add("coverage 0.37 includes inclusion bucket 0", config, visitor_with("coverage-37", "inc", 0))
    add("coverage 0.37 includes inclusion bucket 3699",
        config, visitor_with("coverage-37", "inc", 3699))
    add("coverage 0.37 excludes inclusion bucket 3700",
        config, visitor_with("coverage-37", "inc", 3700), check=None)
    add("coverage 0.37 excludes inclusion bucket 9999",
        config, visitor_with("coverage-37", "inc", 9999), check=None)
    add("coverage 0.37: an included visitor in the second variant",
        config,
        visitor_where(lambda v: included(config, v) and variant(config, v) == "b"),
        check="b")

    # Non-ASCII ids and seeds: hashed as UTF-16 code units.
    config = experiment("split-50-50", [0.5, 0.5])
    add("a visitor id with \u00fc", config, "m\u00fcller-\u00fc")
    add("a visitor id with an emoji (surrogate pair)", config, "visitor-\U0001F600")
    add("a seed with non-ASCII characters",
        experiment("gr\u00fc\u00dfe-\U0001F680", [0.2, 0.3, 0.5]), "visitor-42")

    # Targeting.
    def targeted_config(*rules):
        return experiment("targeting", [0.5, 0.5], targeting=list(rules))

    def rule(attribute, operator, *values):
        return {"attribute": attribute, "operator": operator, "values": list(values)}

    url = {"url": "https://shop.example.com/Offers/Spring?utm=x", "country": "DE", "device": "mobile"}
    t = [
        ("equals matches", [rule("country", "equals", "de")], url, True),
        ("equals matches any of its values", [rule("country", "equals", "fr", "DE")], url, True),
        ("equals fails when no value is equal", [rule("country", "equals", "fr", "at")], url, False),
        ("equals does not match a substring", [rule("country", "equals", "d")], url, False),
        ("not_equals matches when no value is equal", [rule("country", "not_equals", "fr", "at")], url, True),
        ("not_equals fails when any value is equal", [rule("country", "not_equals", "fr", "De")], url, False),
        ("contains matches", [rule("url", "contains", "/offers/")], url, True),
        ("contains matches any of its values", [rule("url", "contains", "/cart", "SPRING")], url, True),
        ("contains fails when no value is contained", [rule("url", "contains", "/cart", "/checkout")], url, False),
        ("not_contains matches when no value is contained",
         [rule("url", "not_contains", "/cart", "/checkout")], url, True),
        ("not_contains fails when any value is contained",
         [rule("url", "not_contains", "/cart", "offers")], url, False),
        ("starts_with matches", [rule("url", "starts_with", "HTTPS://SHOP.")], url, True),
        ("starts_with fails on a later match", [rule("url", "starts_with", "shop.example")], url, False),
        ("ends_with matches", [rule("url", "ends_with", "?UTM=X")], url, True),
        ("ends_with fails on an earlier match", [rule("url", "ends_with", "spring")], url, False),
        ("all rules must match",
         [rule("country", "equals", "de"), rule("device", "equals", "mobile")], url, True),
        ("one failing rule fails the experiment",
         [rule("country", "equals", "de"), rule("device", "equals", "desktop")], url, False),
        ("a positive operator fails on a missing attribute", [rule("language", "equals", "de")], url, False),
        ("a positive operator fails on a null attribute",
         [rule("language", "contains", "de")], dict(url, language=None), False),
        ("not_equals passes on a missing attribute", [rule("language", "not_equals", "de")], url, True),
        ("not_contains passes on a null attribute",
         [rule("language", "not_contains", "de")], dict(url, language=None), True),
        ("a positive operator fails when attributes are absent", [rule("country", "equals", "de")], None, False),
        ("a negative operator passes when attributes are absent",
         [rule("country", "not_equals", "de")], None, True),
        ("an inherited property name is a missing attribute",
         [rule("constructor", "contains", "function")], {}, False),
        ("a number is compared as its decimal string", [rule("visits", "equals", "3")], {"visits": 3}, True),
        ("a boolean is compared as true/false, case-insensitively",
         [rule("member", "equals", "TRUE")], {"member": True}, True),
        ("an empty string is present and equal to an empty value",
         [rule("utm_campaign", "equals", "")], {"utm_campaign": ""}, True),
        ("a positive operator with no values matches nothing", [rule("country", "equals")], url, False),
        ("a negative operator with no values matches everything", [rule("country", "not_equals")], url, True),
        ("non-ASCII letters compare case-insensitively",
         [rule("city", "equals", "m\u00fcnchen")], {"city": "M\u00dcNCHEN"}, True),
        ("an unknown operator matches nothing", [rule("country", "matches", "de")], url, False),
        ("a non-string value makes the rule match nothing",
         [{"attribute": "visits", "operator": "equals", "values": [3]}], {"visits": 3}, False),
    ]
    for name, rules, attributes, expected_match in t:
        config = targeted_config(*rules)
        visitor = "visitor-7"
        expected = variant(config, visitor) if expected_match else None
        add("targeting: " + name, config, visitor, attributes, check=expected)

    # Malformed input: null, never an exception.
    good = experiment("malformed", [0.5, 0.5])
    add("an empty visitor id is not assigned", good, "", check=None)

    def bad(name, **overrides):
        config = json.loads(json.dumps(good))
        config.update(overrides)
        add(name, config, "visitor-1", check=None)

    bad("no variants", variants=[])
    bad("weights adding up to 0.9", variants=[
        {"key": "control", "weight": 0.4, "control": True, "payload": {}},
        {"key": "b", "weight": 0.5, "control": False, "payload": {}}])
    bad("weights adding up to 1.1", variants=[
        {"key": "control", "weight": 0.5, "control": True, "payload": {}},
        {"key": "b", "weight": 0.6, "control": False, "payload": {}}])
    bad("a negative weight", variants=[
        {"key": "control", "weight": -0.5, "control": True, "payload": {}},
        {"key": "b", "weight": 1.5, "control": False, "payload": {}}])
    bad("a weight given as a string", variants=[
        {"key": "control", "weight": "0.5", "control": True, "payload": {}},
        {"key": "b", "weight": 0.5, "control": False, "payload": {}}])
    bad("an empty variant key", variants=[
        {"key": "", "weight": 0.5, "control": True, "payload": {}},
        {"key": "b", "weight": 0.5, "control": False, "payload": {}}])
    bad("an unknown hash version", hashVersion=2)
    bad("a seed that is not a string", seed=42)
    bad("coverage above 1", coverage=1.5)
    bad("negative coverage", coverage=-0.1)
    bad("targeting that is not an array", targeting="country=de")
    add("weights of 0.33333/0.33333/0.33334 add up to 1 and are valid",
        experiment("thirds-rounded", [0.33333, 0.33333, 0.33334]), "visitor-1")
    return cases


def write_json(document):
    """One vector per line, so a change to the spec shows as a readable diff."""
    lines = ["{"]
    items = list(document.items())
    for index, (name, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list):
            lines.append("  %s: [" % json.dumps(name))
            for row_index, row in enumerate(value):
                row_comma = "," if row_index < len(value) - 1 else ""
                lines.append("    " + json.dumps(row, ensure_ascii=True) + row_comma)
            lines.append("  ]" + comma)
        else:
            lines.append("  %s: %s%s" % (json.dumps(name), json.dumps(value), comma))
    lines.append("}")
    with open(OUTPUT, "w", encoding="ascii", newline="\n") as out:
        out.write("\n".join(lines) + "\n")


def main():
    assigns = assign_cases()
    document = {
        "generatedBy": "sdk/scripts/make-cases.py (python3, standard library only); do not edit by hand",
        "description": "Upshot assignment vectors: hash is [input, uint32], bucket is [input, 0..9999], "
                       "assign is {name, config, visitor, attributes?, expected: variant key or null}. "
                       "Strings are JSON-escaped UTF-16: emoji are surrogate pairs, one lone surrogate is included.",
        "hashVersion": HASH_VERSION,
        "buckets": BUCKETS,
        "hash": [[text, hash_v1(text)] for text in HASH_INPUTS],
        "bucket": [[text, bucket(text)] for text in BUCKET_INPUTS],
        "assign": assigns,
    }
    write_json(document)
    print("wrote %s: %d hash, %d bucket, %d assign vectors"
          % (os.path.relpath(OUTPUT), len(document["hash"]), len(document["bucket"]), len(assigns)))


if __name__ == "__main__":
    main()
