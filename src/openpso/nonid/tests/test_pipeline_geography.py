"""ZIP3 and Census regions (HIPAA Safe Harbor 164.514(b)(2)(i)(B); 42 CFR 3.212(a)(2)(B)) and the profiles."""

from __future__ import annotations

import pytest

from openpso.nonid.geography import CENSUS_REGIONS, RESTRICTED_ZIP3, census_region, zip3
from openpso.nonid.profiles import LAKE_PROFILE, PROFILES, PSO_POOL, RELEASE, profile
from openpso.organizations.models import US_STATES


def test_the_seventeen_restricted_prefixes_of_hhs_guidance_are_listed():
    assert len(RESTRICTED_ZIP3) == 17
    assert {"036", "059", "692", "893"} <= RESTRICTED_ZIP3


@pytest.mark.parametrize(
    ("given", "expected"),
    [("19104", "191"), ("19104-2203", "191"), ("191042203", "191"), ("03601", "000"), ("89301", "000")],
)
def test_a_zip_code_keeps_its_first_three_digits_unless_the_area_is_small(given, expected):
    assert zip3(given) == expected


@pytest.mark.parametrize("given", ["", None, "1910", "ABCDE", "19104 Philadelphia"])
def test_what_is_not_a_zip_code_gives_nothing(given):
    assert zip3(given) is None


def test_every_state_the_organisations_use_has_a_region():
    assert set(US_STATES) == set(CENSUS_REGIONS)
    assert (census_region("PA"), census_region("oh"), census_region("WV"), census_region("CA")) == (
        "northeast",
        "midwest",
        "south",
        "west",
    )
    assert census_region("") is None


def test_profiles_are_versioned_and_the_lake_uses_the_pool_profile():
    assert set(PROFILES) == {"pso-pool/1", "release/1", "release-ed/1"}
    assert profile("release/1") is RELEASE
    assert profile("release-ed/1").date_precision == "month"  # only under an expert determination
    assert LAKE_PROFILE is PSO_POOL
    with pytest.raises(KeyError, match="no non-identification profile"):
        profile("pso-pool/0")


def test_a_release_keeps_no_date_element_but_the_year_and_nothing_below_the_state():
    assert RELEASE.date_precision == "year"
    assert not RELEASE.keeps("size_band")
    assert not RELEASE.zip3
    assert PSO_POOL.date_precision == "month"
