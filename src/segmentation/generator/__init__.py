"""Synthetic data generator: the demo seeds (`--seeds`) and large Parquet data sets (`--lines`).

See docs/demo_data.md. The CLI sub-command `segmentation generate` is registered by `register`.
"""

from segmentation.generator.command import register

__all__ = ["register"]
