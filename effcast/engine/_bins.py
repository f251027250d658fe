"""The log-scale bins shared by the streamed histograms and the fast statistics.

Positive doubles are ordered like their bit patterns, so the top bits of a
double (its exponent and the first few bits of its mantissa) name a bin whose
width is a fixed fraction of its lower edge. This module holds only the
constants, so that reading them (as the results layer does when it loads)
does not import numba.
"""

from __future__ import annotations

__all__ = ["MANTISSA_BITS", "RELATIVE_BIN_WIDTH"]

MANTISSA_BITS = 11
"""Mantissa bits kept in a streamed histogram's bin key."""

RELATIVE_BIN_WIDTH = 2.0**-MANTISSA_BITS
"""A streamed histogram bin's width relative to its lower edge (about 0.05%)."""
