#!/usr/bin/env python3
"""Reference values for the statistics engine, computed independently of its TypeScript.

Run from the repository root:

    /usr/bin/python3 functions/test/stats/reference/make-reference.py

It needs numpy, scipy, statsmodels and mpmath (Debian: python3-statsmodels python3-mpmath)
and writes reference.json next to itself. Every expected number comes from scipy,
statsmodels or mpmath where they implement the convention; where no library does (the
delta-method relative lift, the mSPRT, ROMI, the R power.prop.test formula) it is written
out here from the formula in docs/statistics.md, and ROMI's Welch interval is computed
from the simulated per-visitor values themselves, not from the sums the engine sees.

Conventions the engine adds on top of the libraries: an undefined statistic is null
(a library's nan, or an interval whose standard error is 0).
"""

import json
import math
import platform
import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(20240611)
DEFAULT_MDE = 0.1


def finite(value):
    """nan / inf → None, numpy scalars → float."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def interval(lower, upper):
    lower, upper = finite(lower), finite(upper)
    return None if lower is None or upper is None else [lower, upper]


# --- building blocks ------------------------------------------------------------------

def wilson(successes, trials, alpha):
    if trials == 0:
        return None
    lower, upper = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    return [max(0.0, float(lower)), min(1.0, float(upper))]


def z_test(control, variant):
    """statsmodels' pooled z-test; None without variance."""
    (xa, na), (xb, nb) = control, variant
    if na == 0 or nb == 0:
        return None
    pooled = (xa + xb) / (na + nb)
    if pooled in (0.0, 1.0):
        return None
    _, p_value = proportions_ztest([xb, xa], [nb, na], value=0, alternative="two-sided")
    # Pearson chi-square without continuity correction is the same test.
    chi2 = stats.chi2_contingency([[xb, nb - xb], [xa, na - xa]], correction=False)[1]
    assert abs(chi2 - p_value) <= 1e-9 * max(p_value, 1e-300), (chi2, p_value)
    return float(p_value)


def wald_difference(control, variant, alpha):
    (xa, na), (xb, nb) = control, variant
    if na == 0 or nb == 0:
        return None, None
    pa, pb = xa / na, xb / nb
    se = math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    if se == 0:
        return pb - pa, None
    lower, upper = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff", alpha=alpha)
    return pb - pa, interval(lower, upper)


def delta_relative_lift(control, variant, alpha):
    """No library implements this convention: the formula of docs/statistics.md."""
    (xa, na), (xb, nb) = control, variant
    if na == 0 or nb == 0 or xa == 0:
        return None, None
    pa, pb = xa / na, xb / nb
    lift = pb / pa - 1
    variance = (pb * (1 - pb) / nb) / pa**2 + pb**2 * (pa * (1 - pa) / na) / pa**4
    if variance == 0:
        return lift, None
    half = stats.norm.isf(alpha / 2) * math.sqrt(variance)
    return lift, [lift - half, lift + half]


def msprt_p_value(looks, tau):
    """Always-valid p-value: running minimum of 1/Λ over looks (Johari et al. 2017)."""
    p_value = None
    for (xa, na), (xb, nb) in looks:
        if na == 0 or nb == 0:
            continue
        pooled = (xa + xb) / (na + nb)
        variance = pooled * (1 - pooled) * (1 / na + 1 / nb)
        if variance == 0:
            continue
        delta = xb / nb - xa / na
        # Λ = N(Δ; 0, σ² + τ²) / N(Δ; 0, σ²), from scipy's normal density.
        log_ratio = stats.norm.logpdf(delta, 0, math.sqrt(variance + tau**2)) - stats.norm.logpdf(
            delta, 0, math.sqrt(variance)
        )
        p_value = min(1.0 if p_value is None else p_value, math.exp(-log_ratio))
    return p_value


def beta_window(dist):
    mean, sd = dist.mean(), dist.std()
    return max(0.0, mean - 40 * sd), min(1.0, mean + 40 * sd)


def chance_and_loss(control, variant):
    """P(pB > pA) and E[max(pA − pB, 0)] by adaptive quadrature over Beta(1+x, 1+n−x) posteriors."""
    (xa, na), (xb, nb) = control, variant
    a = stats.beta(1 + xa, 1 + na - xa)
    b = stats.beta(1 + xb, 1 + nb - xb)
    lower = min(beta_window(a)[0], beta_window(b)[0])
    upper = max(beta_window(a)[1], beta_window(b)[1])
    points = [p for p in sorted({a.mean(), b.mean()}) if lower < p < upper]
    options = dict(points=points or None, epsabs=1e-13, epsrel=1e-11, limit=2000)
    # At 5 million visitors per arm quad warns that roundoff stops it short of epsrel=1e-11;
    # what it reaches is still far inside the 1e-6 the tests ask of these two numbers.
    warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)
    chance = integrate.quad(lambda y: b.pdf(y) * a.cdf(y), lower, upper, **options)[0]
    # E[max(pA − pB, 0)] = ∫ f_A(x) ∫_0^x (x − y) f_B(y) dy dx, inner integral by parts:
    # x·F_B(x) − E[pB]·F_{Beta(2+xb, 1+nb−xb)}(x).
    b_shifted = stats.beta(2 + xb, 1 + nb - xb)
    loss = integrate.quad(
        lambda x: a.pdf(x) * (x * b.cdf(x) - b.mean() * b_shifted.cdf(x)), lower, upper, **options
    )[0]
    return chance, loss


def welch(control, variant, alpha):
    """Welch on per-visitor arrays: scipy for the p-value, statsmodels for the interval."""
    if len(control) == 0 or len(variant) == 0:
        return {"status": "insufficient_data", "difference": None, "interval": None, "pValue": None, "se": None}
    difference = float(np.mean(variant) - np.mean(control))
    if len(control) < 2 or len(variant) < 2:
        return {"status": "insufficient_data", "difference": difference, "interval": None, "pValue": None, "se": None}
    se = math.sqrt(np.var(control, ddof=1) / len(control) + np.var(variant, ddof=1) / len(variant))
    if se == 0:
        return {"status": "zero_variance", "difference": difference, "interval": None, "pValue": None, "se": None}
    p_value = stats.ttest_ind(variant, control, equal_var=False).pvalue
    from_stats = stats.ttest_ind_from_stats(
        np.mean(variant), np.std(variant, ddof=1), len(variant),
        np.mean(control), np.std(control, ddof=1), len(control), equal_var=False,
    ).pvalue
    assert abs(from_stats - p_value) <= 1e-10 * p_value, (from_stats, p_value)
    compared = CompareMeans(DescrStatsW(variant), DescrStatsW(control))
    lower, upper = compared.tconfint_diff(alpha=alpha, usevar="unequal")
    # statsmodels takes the quantile from scipy 1.10's t.ppf (~1e-9); use the polished one,
    # with statsmodels' Welch–Satterthwaite df and standard error.
    half = t_quantile(1 - alpha / 2, compared.dof_satt()) * compared.std_meandiff_separatevar
    assert abs(difference - half - lower) < 1e-7 * abs(half) and abs(difference + half - upper) < 1e-7 * abs(half)
    return {
        "status": "ok",
        "difference": difference,
        "interval": interval(difference - half, difference + half),
        "pValue": float(p_value),
        "se": float(compared.std_meandiff_separatevar),
    }


def srm(visitors, weights):
    cells = [(o, w) for o, w in zip(visitors, weights) if w > 0 or o > 0]
    total = sum(o for o, _ in cells)
    if total == 0 or sum(1 for _, w in cells if w > 0) < 2:
        return {"status": "insufficient_data", "pValue": None, "mismatch": False}
    weight = sum(w for _, w in cells)
    expected = [total * w / weight for _, w in cells]
    result = stats.chisquare([o for o, _ in cells], expected)
    return {
        "status": "ok",
        "chiSquare": float(result.statistic),
        "degreesOfFreedom": len(cells) - 1,
        "pValue": float(result.pvalue),
        "mismatch": bool(result.pvalue < 0.001),
    }


def holm(p_values):
    present = [(i, p) for i, p in enumerate(p_values) if p is not None]
    adjusted = [None] * len(p_values)
    if present:
        corrected = multipletests([p for _, p in present], method="holm")[1]
        for (i, _), value in zip(present, corrected):
            adjusted[i] = float(value)
    return adjusted


# --- fixtures -------------------------------------------------------------------------

def simulate_revenue(visitors, conversions, mean_order):
    """Per-visitor revenue totals in currency units: converters only, lognormal, in cents."""
    revenue = np.zeros(visitors)
    if conversions:
        orders = RNG.lognormal(mean=math.log(mean_order) - 0.5 * 0.6**2, sigma=0.6, size=conversions)
        revenue[:conversions] = np.round(orders, 2)
    return revenue


def arm(key, visitors, conversions, weight=1, control=False, mean_order=48.0, abandonments=None,
        recovered=None, costs=None):
    return {
        "key": key, "control": control, "weight": weight, "visitors": visitors, "conversions": conversions,
        "mean_order": mean_order, "abandonments": abandonments, "recovered": recovered, "costs": costs,
    }


FIXTURES = [
    dict(
        name="realistic: 10,000 vs 10,000 visitors, 500 vs 560 conversions, costs on the variant",
        margin=0.4, visitorsPerMonth=120_000,
        arms=[
            arm("control", 10_000, 500, control=True, abandonments={"cart": 2_100, "payment": 640},
                recovered={"cart": 310, "payment": 120}),
            arm("badge", 10_000, 560, mean_order=46.0, abandonments={"cart": 1_980, "payment": 610},
                recovered={"cart": 330, "payment": 101},
                costs={"fixed": 250.0, "perVisitor": 0.01, "perConversion": 1.5, "revenueShare": 0.05}),
        ],
    ),
    dict(name="small: 20 vs 25 visitors", arms=[arm("a", 20, 3, control=True), arm("b", 25, 7)]),
    dict(name="zero conversions in the control", arms=[arm("a", 1_000, 0, control=True), arm("b", 1_000, 5)]),
    dict(name="zero conversions in both arms", arms=[arm("a", 500, 0, control=True), arm("b", 500, 0)]),
    dict(name="100% conversion in both arms", arms=[arm("a", 50, 50, control=True), arm("b", 60, 60)]),
    dict(name="100% conversion in the variant", arms=[arm("a", 40, 30, control=True), arm("b", 40, 40)]),
    dict(
        name="unequal allocation 80/20 with costs on both",
        margin=0.6, visitorsPerMonth=50_000,
        arms=[
            arm("a", 12_000, 600, weight=80, control=True,
                costs={"fixed": 0.0, "perVisitor": 0.02, "perConversion": 0.0, "revenueShare": 0.0}),
            arm("b", 3_000, 171, weight=20, mean_order=40.0,
                costs={"fixed": 100.0, "perVisitor": 0.02, "perConversion": 5.0, "revenueShare": 0.0}),
        ],
    ),
    dict(
        name="four arms (three comparisons for Holm)",
        arms=[arm("a", 8_000, 400, control=True), arm("b", 8_000, 452), arm("c", 8_000, 430), arm("d", 8_000, 380)],
    ),
    dict(
        name="large: 2,000,000 visitors per arm",
        arms=[arm("a", 2_000_000, 100_000, control=True), arm("b", 2_000_000, 101_200)],
    ),
    dict(name="alpha 0.1", alpha=0.1, arms=[arm("a", 5_000, 250, control=True), arm("b", 5_000, 290)]),
    dict(name="sample ratio mismatch", arms=[arm("a", 10_000, 500, control=True), arm("b", 9_400, 480)]),
    dict(
        name="three arms weighted 50/25/25",
        arms=[arm("a", 5_050, 260, weight=50, control=True), arm("b", 2_480, 150, weight=25),
              arm("c", 2_470, 118, weight=25)],
    ),
    dict(name="empty variant", arms=[arm("a", 300, 12, control=True), arm("b", 0, 0)]),
]

NO_COSTS = {"fixed": 0.0, "perVisitor": 0.0, "perConversion": 0.0, "revenueShare": 0.0}


def build_fixture(spec):
    alpha = spec.get("alpha", 0.05)
    margin = spec.get("margin", 1.0)
    per_month = spec.get("visitorsPerMonth")
    arms = spec["arms"]
    data = {a["key"]: simulate_revenue(a["visitors"], a["conversions"], a["mean_order"]) for a in arms}
    converted = {a["key"]: (np.arange(a["visitors"]) < a["conversions"]).astype(float) for a in arms}
    stages = sorted({s for a in arms for s in (a["abandonments"] or {})})

    variants_input = []
    for a in arms:
        revenue = data[a["key"]]
        entry = {
            "key": a["key"], "control": a["control"], "weight": a["weight"],
            "visitors": a["visitors"], "conversions": a["conversions"],
            "revenue": float(np.sum(revenue)), "revenueSquares": float(np.sum(revenue**2)),
        }
        if a["abandonments"]:
            entry["abandonments"] = a["abandonments"]
            entry["recovered"] = a["recovered"]
        if a["costs"]:
            entry["costs"] = a["costs"]
        variants_input.append(entry)

    control = arms[0]
    expected_variants = []
    for a, entry in zip(arms, variants_input):
        n, x = a["visitors"], a["conversions"]
        costs = a["costs"] or NO_COSTS
        invested = costs["fixed"] + costs["perVisitor"] * n + costs["perConversion"] * x + costs["revenueShare"] * entry["revenue"]
        gross = margin * entry["revenue"]
        expected_variants.append({
            "key": a["key"],
            "conversionRate": x / n if n else None,
            "conversionRateCI": wilson(x, n, alpha),
            "revenuePerVisitor": entry["revenue"] / n if n else None,
            "abandonment": {
                s: {
                    "rate": (a["abandonments"] or {}).get(s, 0) / n if n else None,
                    "rateCI": wilson((a["abandonments"] or {}).get(s, 0), n, alpha),
                    "recoveredShare": ((a["recovered"] or {}).get(s, 0) / a["abandonments"][s])
                    if (a["abandonments"] or {}).get(s, 0) else None,
                }
                for s in stages
            },
            "romi": {
                "investment": invested, "grossProfit": gross,
                "romi": (gross - invested) / invested if invested > 0 else None,
            },
        })

    comparisons = {}
    for a, entry in zip(arms[1:], variants_input[1:]):
        ca = (control["conversions"], control["visitors"])
        cb = (a["conversions"], a["visitors"])
        difference, difference_ci = wald_difference(ca, cb, alpha)
        lift, lift_ci = delta_relative_lift(ca, cb, alpha)
        observed = ca[1] > 0 and cb[1] > 0
        pooled_rate = (ca[0] + cb[0]) / (ca[1] + cb[1]) if observed else 0
        chance, loss = chance_and_loss(ca, cb) if observed else (None, None)
        revenue = welch(data[control["key"]], data[a["key"]], alpha)

        def net_value(arm_spec):
            costs = arm_spec["costs"] or NO_COSTS
            r, k = data[arm_spec["key"]], converted[arm_spec["key"]]
            return (margin - costs["revenueShare"]) * r - costs["perConversion"] * k - costs["perVisitor"]

        def fixed_share(arm_spec):
            return (arm_spec["costs"] or NO_COSTS)["fixed"] / arm_spec["visitors"]

        profit = welch(net_value(control), net_value(a), alpha)
        if profit["difference"] is not None:
            shift = fixed_share(control) - fixed_share(a)
            delta = profit["difference"] + shift
            profit_ci = None if profit["interval"] is None else [profit["interval"][0] + shift, profit["interval"][1] + shift]

            def per_visitor_investment(arm_spec, entry_):
                costs = arm_spec["costs"] or NO_COSTS
                return (costs["fixed"] + costs["perVisitor"] * arm_spec["visitors"] + costs["perConversion"]
                        * arm_spec["conversions"] + costs["revenueShare"] * entry_["revenue"]) / arm_spec["visitors"]

            extra = per_visitor_investment(a, entry) - per_visitor_investment(control, variants_input[0])
            romi = {
                "incrementalNetProfitPerVisitor": delta,
                "incrementalNetProfitPerVisitorCI": profit_ci,
                "probabilityProfitable": None if profit["se"] is None else float(stats.norm.cdf(delta / profit["se"])),
                "incrementalRomi": delta / extra if extra > 0 else None,
                "projectedMonthlyProfit": None if per_month is None else delta * per_month,
                "projectedMonthlyProfitCI": None if per_month is None or profit_ci is None
                else [profit_ci[0] * per_month, profit_ci[1] * per_month],
            }
        else:
            romi = {k: None for k in ("incrementalNetProfitPerVisitor", "incrementalNetProfitPerVisitorCI",
                                      "probabilityProfitable", "incrementalRomi", "projectedMonthlyProfit",
                                      "projectedMonthlyProfitCI")}
        romi["status"] = profit["status"]

        abandonment = {}
        for s in stages:
            sa = ((control["abandonments"] or {}).get(s, 0), control["visitors"])
            sb = ((a["abandonments"] or {}).get(s, 0), a["visitors"])
            d, d_ci = wald_difference(sa, sb, alpha)
            abandonment[s] = {"difference": d, "differenceCI": d_ci, "pValue": z_test(sa, sb)}

        comparisons[a["key"]] = {
            "absoluteLift": difference,
            "absoluteLiftCI": difference_ci,
            "relativeLift": lift,
            "relativeLiftCI": lift_ci,
            "pValue": z_test(ca, cb),
            "sequentialPValue": msprt_p_value([(ca, cb)], DEFAULT_MDE * pooled_rate),
            "chanceToBeatControl": chance,
            "expectedLoss": loss,
            "revenueStatus": revenue["status"],
            "revenuePerVisitorDiff": revenue["difference"],
            "revenuePerVisitorDiffCI": revenue["interval"],
            "revenuePValue": revenue["pValue"],
            "abandonment": abandonment,
            "romi": romi,
        }
    keys = [a["key"] for a in arms[1:]]
    for name, source in (("adjustedPValue", "pValue"), ("adjustedSequentialPValue", "sequentialPValue")):
        for key, value in zip(keys, holm([comparisons[k][source] for k in keys])):
            comparisons[key][name] = value

    summary_input = {"experiment": spec["name"], "goal": "purchase", "variants": variants_input}
    if "alpha" in spec:
        summary_input["alpha"] = alpha
    if "margin" in spec:
        summary_input["margin"] = margin
    if per_month is not None:
        summary_input["visitorsPerMonth"] = per_month
    return {
        "name": spec["name"],
        "input": summary_input,
        "expected": {
            "variants": expected_variants,
            "vsControl": comparisons,
            "srm": srm([a["visitors"] for a in arms], [a["weight"] for a in arms]),
        },
    }


# --- planning (R power.prop.test) -----------------------------------------------------

def power_prop_test_n(p1, p2, alpha, power):
    """The pooled-null closed form, checked against R's power function solved by root finding."""
    pooled = (p1 + p2) / 2
    z_alpha, z_power = stats.norm.isf(alpha / 2), stats.norm.ppf(power)
    closed = (z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2

    def r_power(n):  # R: stats::power.prop.test, strict = FALSE
        return stats.norm.cdf((math.sqrt(n) * abs(p1 - p2) - z_alpha * math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2)))
                              / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) - power

    rooted = optimize.brentq(r_power, 2, 1e9, xtol=1e-10, rtol=1e-14)
    assert abs(rooted - closed) < 1e-6 * closed, (rooted, closed)
    return closed


# R 4.2.2: format(power.prop.test(p1=, p2=, sig.level=, power=)$n, digits=12). R solves with
# uniroot (tolerance ~1.2e-4), so agreement to 1e-3 is all it can show.
R_POWER_PROP_TEST_N = {
    (0.05, 0.055, 0.05, 0.8): 31233.4379401,
    (0.1, 0.12, 0.05, 0.8): 3840.84748243,
    (0.02, 0.021, 0.01, 0.9): 597546.277302,
    (0.3, 0.27, 0.05, 0.95): 5881.47270662,
    (0.5, 0.52, 0.1, 0.8): 7724.05885713,
    (0.12, 0.138, 0.05, 0.8): 5442.60040637,
}


def sample_sizes():
    for (p1, p2, alpha, power), r_n in R_POWER_PROP_TEST_N.items():
        n = power_prop_test_n(p1, p2, alpha, power)
        assert abs(n - r_n) < 1e-3, (p1, p2, n, r_n)
    cases = [
        dict(baseline=0.05, mde=0.1),
        dict(baseline=0.1, mde=0.2, alpha=0.05, power=0.8),
        dict(baseline=0.02, mde=0.05, alpha=0.01, power=0.9),
        dict(baseline=0.3, mde=-0.1, power=0.95),
        dict(baseline=0.5, mde=0.04, alpha=0.1),
        dict(baseline=0.05, mde=0.1, visitorsPerDay=1_000, variants=3),
        dict(baseline=0.12, mde=0.15, visitorsPerDay=2_500),
    ]
    out = []
    for case in cases:
        p1 = case["baseline"]
        p2 = p1 * (1 + case["mde"])
        exact = power_prop_test_n(p1, p2, case.get("alpha", 0.05), case.get("power", 0.8))
        expected = {"visitorsPerVariant": math.ceil(exact)}
        if "visitorsPerDay" in case:
            expected["days"] = math.ceil(expected["visitorsPerVariant"] * case.get("variants", 2) / case["visitorsPerDay"])
        out.append({"input": case, "unrounded": exact, "expected": expected})
    return out


# --- sequential test with history -----------------------------------------------------

def sequential_cases():
    cases = []
    for seed, (pa, pb, daily) in enumerate([(0.05, 0.05, 800), (0.05, 0.06, 1_500), (0.2, 0.18, 300)]):
        rng = np.random.default_rng(seed)
        looks, xa, na, xb, nb = [], 0, 0, 0, 0
        for _ in range(14):
            na += daily
            nb += daily
            xa += int(rng.binomial(daily, pa))
            xb += int(rng.binomial(daily, pb))
            looks.append(((xa, na), (xb, nb)))
        tau = DEFAULT_MDE * (xa + xb) / (na + nb)
        cases.append({
            "looks": [{"control": {"successes": a[0], "trials": a[1]}, "variant": {"successes": b[0], "trials": b[1]}}
                      for a, b in looks],
            "mixingStandardDeviation": tau,
            "expected": msprt_p_value(looks, tau),
            "expectedLastLookOnly": msprt_p_value(looks[-1:], tau),
        })
    # An early lead that fades: the running minimum sits at an early look.
    looks = [((30, 1_000), (62, 1_000)), ((70, 2_000), (105, 2_000)), ((120, 3_000), (140, 3_000)),
             ((160, 4_000), (170, 4_000))]
    tau = DEFAULT_MDE * (160 + 170) / 8_000
    running, last = msprt_p_value(looks, tau), msprt_p_value(looks[-1:], tau)
    assert running < last, (running, last)
    cases.append({
        "looks": [{"control": {"successes": a[0], "trials": a[1]}, "variant": {"successes": b[0], "trials": b[1]}}
                  for a, b in looks],
        "mixingStandardDeviation": tau,
        "expected": running,
        "expectedLastLookOnly": last,
    })
    # Equal-n form of Johari et al. (2017): Λ = √(V/(V + nτ²))·exp(n²τ²Δ²/(2V(V + nτ²))), V = 2p̄q̄.
    (xa, na), (xb, nb) = (480, 10_000), (560, 10_000)
    tau = 0.004
    pooled = (xa + xb) / (na + nb)
    v, n, delta = 2 * pooled * (1 - pooled), na, xb / nb - xa / na
    ratio = mpmath.sqrt(v / (v + n * tau**2)) * mpmath.exp(n**2 * tau**2 * delta**2 / (2 * v * (v + n * tau**2)))
    cases.append({
        "looks": [{"control": {"successes": xa, "trials": na}, "variant": {"successes": xb, "trials": nb}}],
        "mixingStandardDeviation": tau,
        "expected": float(min(1, 1 / ratio)),
        "expectedLastLookOnly": float(min(1, 1 / ratio)),
    })
    return cases


# --- chance to beat control beyond the fixtures ---------------------------------------

def chance_cases():
    pairs = [
        ((0, 0), (0, 0)), ((0, 0), (3, 10)), ((5, 5), (0, 3)), ((1, 3), (2, 3)), ((452, 8_000), (400, 8_000)),
        ((30, 1_000_000), (45, 1_000_000)), ((2_500_000, 5_000_000), (2_501_000, 5_000_000)),
        ((120, 150), (140, 160)), ((9_990, 10_000), (9_995, 10_000)), ((7, 70_000), (19, 70_000)),
    ]
    out = []
    for control, variant in pairs:
        chance, loss = chance_and_loss(control, variant)
        out.append({
            "control": {"successes": control[0], "trials": control[1]},
            "variant": {"successes": variant[0], "trials": variant[1]},
            "chanceToBeatControl": chance,
            "expectedLoss": loss,
        })
    return out


# --- distributions --------------------------------------------------------------------

def t_quantile(p, df):
    """scipy 1.10's t.ppf is good to ~1e-9 only; two Newton steps on its accurate t.sf fix that."""
    t = stats.t.ppf(p, df)
    for _ in range(2):
        t += (stats.t.sf(t, df) - (1 - p)) / stats.t.pdf(t, df)
    return float(t)


def distributions():
    normal = [{"x": x, "cdf": stats.norm.cdf(x), "sf": stats.norm.sf(x)}
              for x in [-37.5, -12, -8.3, -5, -3, -1.96, -0.5, 0, 0.3, 1, 2.5, 6, 9, 20]]
    quantile = [{"p": p, "x": stats.norm.ppf(p)}
                for p in [1e-300, 1e-50, 1e-12, 1e-6, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999]]
    student = [{"t": t, "df": df, "sf": stats.t.sf(t, df)}
               for df in [1, 2, 3.7, 10, 57.3, 1_000, 19_998.5, 25_000, 1e6, 3e7]
               for t in [0, 0.4, 1.3, 1.96, 2.7, 4.5, 9, 30]]
    student_quantile = [{"p": p, "df": df, "t": t_quantile(p, df)}
                        for df in [1, 2, 3.7, 10, 57.3, 1_000, 19_998.5, 25_000, 1e6, 3e7]
                        for p in [0.6, 0.9, 0.95, 0.975, 0.995, 0.9995]]
    chi_square = [{"x": x, "df": df, "sf": stats.chi2.sf(x, df)}
                  for df in [1, 2, 3, 5, 10, 40] for x in [0.01, 0.5, 3, 7.8, 20, 60, 200, 800]]
    # scipy's betaln loses digits for very unequal arguments; mpmath at 40 digits does not.
    mpmath.mp.dps = 40
    log_beta = [{"a": a, "b": b, "value": float(mpmath.log(mpmath.beta(a, b)))}
                for a, b in [(0.5, 0.5), (1, 1), (3, 7), (0.5, 1e6), (12, 30), (1e4, 2e4), (5e5, 9.5e6), (2, 1e8)]]
    log_gamma = [{"x": x, "value": float(mpmath.loggamma(x))}
                 for x in [1e-5, 0.5, 1, 1.5, 2, 3.3, 9.9, 10, 12.5, 100, 1e4, 1e7, 1e12]]
    return {"normal": normal, "normalQuantile": quantile, "studentT": student, "studentTQuantile": student_quantile,
            "chiSquare": chi_square, "logBeta": log_beta, "logGamma": log_gamma}


# --- Welch from raw samples ------------------------------------------------------------

def welch_cases():
    samples = [
        ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0], 0.05),
        (list(RNG.normal(10, 3, 40)), list(RNG.normal(11, 6, 25)), 0.1),
        (list(np.round(RNG.exponential(20, 30_000), 2)), list(np.round(RNG.exponential(20.4, 28_000), 2)), 0.05),
        ([5.0], [1.0, 2.0], 0.05),
        ([3.0, 3.0, 3.0], [3.0, 3.0], 0.05),
    ]
    out = []
    for control, variant, alpha in samples:
        control, variant = np.array(control), np.array(variant)
        result = welch(control, variant, alpha)
        df = None
        if result["status"] == "ok":
            df = float(CompareMeans(DescrStatsW(variant), DescrStatsW(control)).dof_satt())
        out.append({
            "control": {"count": len(control), "sum": float(np.sum(control)), "sumOfSquares": float(np.sum(control**2))},
            "variant": {"count": len(variant), "sum": float(np.sum(variant)), "sumOfSquares": float(np.sum(variant**2))},
            "alpha": alpha,
            "expected": {"status": result["status"], "difference": result["difference"], "interval": result["interval"],
                         "pValue": result["pValue"], "degreesOfFreedom": df, "standardError": result["se"]},
        })
    return out


def main():
    reference = {
        "generatedBy": "functions/test/stats/reference/make-reference.py",
        "versions": {
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__, "mpmath": mpmath.__version__,
        },
        "defaultMde": DEFAULT_MDE,
        "distributions": distributions(),
        "fixtures": [build_fixture(spec) for spec in FIXTURES],
        "sampleSize": sample_sizes(),
        "sequential": sequential_cases(),
        "chance": chance_cases(),
        "welch": welch_cases(),
    }
    (HERE / "reference.json").write_text(json.dumps(reference, indent=1, allow_nan=False) + "\n")
    print(f"wrote {HERE / 'reference.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
