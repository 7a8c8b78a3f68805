"""The risk detector: risk-word lists (files) and a Flask-free detector, shared by the peer
forum, simulations and live chat."""

from app.risk.detector import (
    LEVELS,
    LISTS_DIR,
    RiskDetector,
    RiskList,
    RiskResult,
    default_detector,
    load_detector,
    normalise,
)

__all__ = ["LEVELS", "LISTS_DIR", "RiskDetector", "RiskList", "RiskResult", "default_detector",
           "load_detector", "normalise"]
