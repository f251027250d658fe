"""Layer 7, figures: distributions, factors, waterfall, tornado, fan and
crossing charts, all drawn in one shared style.
"""
