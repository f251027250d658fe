"""Every result as a tidy table, from a plain script.

No ``if __name__ == "__main__":`` guard is needed, not even for the sweep:
its default scheduler runs scenarios on threads (the sampling kernels
release the GIL). Every result object has ``to_pandas()`` (tidy, documented
columns), ``report()`` (the text the command line prints) and a notebook
display; the crossing's questions are found by their threshold.

Run it from anywhere: ``python examples/tidy_results.py``.
"""

import effcast

model = effcast.load("gpt3_today")
res = model.sample(1e5, seed=1)  # an integral float is a count
print(res)
print(res.report(width=90).splitlines()[0])

fc = effcast.forecast(model, to=2030, results=res, seed=1)
cr = effcast.crossing(fc, [1e25, 1e26], reference="gpt4")
p = cr.prob_crossed_by(1e25, 2025)  # by threshold, not by row number
print(f"P(a GPT-4-level run fits under 1e25 FLOP by 2025): {p:.2f}")

sw = effcast.sweep("gpt3_today", {"moe.median": [1.5, 2.5, 4]}, n=2e4, seed=1)

try:
    import pandas  # noqa: F401
except ImportError:
    print('pandas is optional: pip install "effcast[pandas]" for the tables')
else:
    for name, obj in [
        ("sensitivity", effcast.sensitivity(res)),
        ("forecast", fc),
        ("crossing", cr),
        ("sweep", sw),
    ]:
        df = obj.to_pandas()
        print(f"\n{name}: {len(df)} rows, columns {list(df.columns)}")
        print(df.head(3).to_string(index=False))
