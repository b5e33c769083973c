/** The help texts of `upshot` and its commands. */

export const mainUsage = `upshot — statistics for A/B tests of offer presentations

Usage:
  upshot analyze <file|-> [--format json|md|csv]
  upshot results <experiment> --url <api> --key <key> [--goal <goal>] [--phase <n>]
                 [--alpha <a>] [--format json|md|csv]
  upshot plan --baseline <rate> --mde <relative> [--alpha 0.05] [--power 0.8]
              [--visitors-per-day <n>] [--variants 2] [--format text|json]
  upshot keys create --role admin|analyst|sdk --table <name> [--region <r>] [...]
  upshot <command> --help

Commands:
  analyze   Summarize experiments from their counts: conversion rates with intervals,
            lift, p-values (classic, Holm-adjusted, peeking-safe sequential), chance to
            beat the control, revenue, ROMI and a plain-language decision.
  results   Fetch a running experiment's summary from an Upshot API.
  plan      Visitors per variant (and days) needed to detect a relative effect.
  keys      Create the first admin key (or any key) directly in a deployed table.

Exit status: 0 done; 2 bad usage or input (also when the API refuses the request);
1 anything else (the API unreachable or failing).
`;

export const analyzeUsage = `Usage: upshot analyze <file|-> [--format json|md|csv]

Reads one experiment as JSON, or many as JSON lines (one object per line; a JSON
array of objects works too), from <file> or, with -, from standard input, and prints
one result summary per experiment.

  --format json   one summary per line, JSON lines (default)
  --format md     a Markdown report per experiment
  --format csv    one CSV table, a row per variant of every experiment

Each experiment:
  {"experiment": "hero-offer", "goal": "purchase",
   "alpha": 0.05, "margin": 0.4, "visitorsPerMonth": 100000, "currency": "EUR",
   "variants": [
     {"key": "A", "control": true, "weight": 0.5, "visitors": 10000,
      "conversions": 500, "revenue": 25000, "revenueSquares": 1500000},
     {"key": "B", "weight": 0.5, "visitors": 10000, "conversions": 560,
      "revenue": 26600, "revenueSquares": 1600000,
      "abandonments": {"checkout": 900}, "recovered": {"checkout": 120},
      "costs": {"fixed": 500, "perVisitor": 0, "perConversion": 2, "revenueShare": 0.1}}]}

revenue is the sum of each visitor's revenue in currency units (not cents) and
revenueSquares the sum of its squares. Optional: alpha (0.05), margin (1),
visitorsPerMonth, currency or currencySymbol, mde (0.1), power (0.8),
minimumVisitorsPerVariant (100), dailyVisitors, sequentialMixingSd; per variant
control, abandonments, recovered, costs and history ([{visitors, conversions}]
cumulative at earlier looks). The formulas: docs/statistics.md.

Examples:
  upshot analyze examples/hero-offer.json --format md
  upshot analyze examples/experiments.jsonl --format csv > results.csv
  cat examples/experiments.jsonl | upshot analyze -
`;

export const resultsUsage = `Usage: upshot results <experiment> --url <api> --key <key> [options]

Fetches GET <api>/v1/experiments/<experiment>/results and prints it.

  --url <api>       the API's base URL, e.g. http://localhost:8787
                    (default: $UPSHOT_URL)
  --key <key>       an analyst or admin API key (default: $UPSHOT_API_KEY, which
                    keeps the key out of your shell history)
  --goal <goal>     a goal other than the primary one
  --phase <n>       an earlier phase (default: the current one)
  --alpha <a>       significance level, default 0.05
  --format <f>      json (default), md or csv

Example:
  UPSHOT_API_KEY=upk_... upshot results hero-offer --url http://localhost:8787 --format md
`;

export const planUsage = `Usage: upshot plan --baseline <rate> --mde <relative> [options]

Visitors per variant for a two-sided test of two conversion rates (the formula R's
power.prop.test solves), and the days it takes at your traffic.

  --baseline <rate>         the control's conversion rate, e.g. 0.05 for 5%
  --mde <relative>          the smallest relative change worth detecting, e.g. 0.1 for +10%
  --alpha <a>               significance level, two-sided (default 0.05)
  --power <p>               chance to detect the change if it is real (default 0.8)
  --visitors-per-day <n>    all variants together; adds the days needed
  --variants <k>            number of variants including the control (default 2)
  --format <f>              text (default) or json: {"visitorsPerVariant", "days"?}

Example:
  upshot plan --baseline 0.05 --mde 0.1 --visitors-per-day 2000
`;
