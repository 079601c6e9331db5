"""The build target of a publish, read from the dbt profile (profiles/profiles.yml) the way dbt reads it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segmentation import PROJECT_DIR

PROFILE_NAME = "segmentation"


@dataclass(frozen=True)
class Target:
    name: str
    type: str  # dbt adapter type: duckdb, postgres, spark
    credentials: Any  # the adapter's credentials object

    @property
    def duckdb_path(self) -> Path:
        path = Path(self.credentials.path)
        return path if path.is_absolute() else PROJECT_DIR / path


def load_target(name: str | None = None, profiles_dir: Path | None = None) -> Target:
    """Render the profile with dbt (env_var() and all) and return the chosen output (default: the profile's)."""
    from argparse import Namespace

    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    directory = profiles_dir or Path(os.environ.get("DBT_PROFILES_DIR", PROJECT_DIR / "profiles"))
    set_invocation_context(os.environ)
    set_from_args(Namespace(), None)
    raw = read_profile(str(directory))
    profile = Profile.from_raw_profiles(raw, PROFILE_NAME, ProfileRenderer({}), name)
    return Target(name=profile.target_name, type=profile.credentials.type, credentials=profile.credentials)
