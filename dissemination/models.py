# The lead merges this with the publicity models: the micro-video lives in its own module.
from .video import MicroVideo  # noqa: F401
