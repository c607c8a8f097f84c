import pytest

from bostotte import instruments

DOMAIN_ITEMS = {
    "ORS": ["individuelt", "interpersonelt", "socialt", "generelt"],
    "SRS": ["relation", "maal_og_emner", "tilgang", "generelt"],
    "REM": [
        "struktureringsevne",
        "foelelsesmaessig_habitus",
        "selvopfattelse",
        "omstillingsevne",
        "vedligeholdelse_af_bolig",
        "oekonomi",
        "kontakt_til_familie",
        "kontakt_til_venner",
        "helbred_vaner",
    ],
    "FKO": ["value"],
}


def test_definitions_carry_the_domain_item_ids():
    assert {i: instruments.get(i).item_ids for i in DOMAIN_ITEMS} == DOMAIN_ITEMS


def test_scales_and_directions():
    ors, rem, fko = instruments.get("ORS"), instruments.get("REM"), instruments.get("FKO")
    assert (ors.scale_min, ors.scale_max, ors.decimals, ors.higher_is_better) == (0, 10, 1, True)
    assert ors.cutoffs["adult"] == 25 and ors.reliable_change == 5
    assert (rem.scale_max, rem.decimals, rem.higher_is_better) == (4, 0, False)
    assert fko.scale_label(2) == "Moderat"
    assert fko.occasions["baseline"].recorded_by == ("myndighed",)
    assert fko.may_record("mestringsvejleder", "status")
    assert not fko.may_record("mestringsvejleder", "baseline")
    assert instruments.get("SRS").cutoffs["alliance"] == 36


def ors_values(**over):
    values = {"individuelt": "5", "interpersonelt": "6,5", "socialt": "7.2", "generelt": "8"}
    values.update(over)
    return values


def test_ors_valid_values_and_total():
    ors = instruments.get("ORS")
    values, errors = instruments.validate_values(ors, ors_values())
    assert errors == {}
    assert values == {"individuelt": 5.0, "interpersonelt": 6.5, "socialt": 7.2, "generelt": 8.0}
    assert ors.total(values) == 26.7


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("10.1", "Værdien skal være mellem 0 og 10."),
        ("-1", "Værdien skal være mellem 0 og 10."),
        ("7,25", "Brug højst én decimal, fx 7,5."),
        ("", "Udfyld en værdi."),
        ("syv", "Skriv et tal, fx 7,5."),
        ("nan", "Skriv et tal, fx 7,5."),
    ],
)
def test_ors_bad_values_are_refused_per_item(raw, message):
    values, errors = instruments.validate_values(instruments.get("ORS"), ors_values(socialt=raw))
    assert errors == {"socialt": [message]}
    assert "socialt" not in values


def test_missing_and_unknown_items():
    raw = ors_values()
    del raw["generelt"]
    raw["bogus"] = "3"
    _, errors = instruments.validate_values(instruments.get("ORS"), raw)
    assert errors["generelt"] == ["Udfyld en værdi."]
    assert "bogus" in errors


def test_rem_and_fko_take_whole_numbers_0_to_4():
    rem = instruments.get("REM")
    raw = dict.fromkeys(rem.item_ids, "2")
    values, errors = instruments.validate_values(rem, raw)
    assert errors == {} and rem.total(values) == 18
    _, errors = instruments.validate_values(rem, {**raw, "oekonomi": "2,5"})
    assert errors == {"oekonomi": ["Vælg et helt tal mellem 0 og 4."]}
    _, errors = instruments.validate_values(instruments.get("FKO"), {"value": "5"})
    assert errors == {"value": ["Værdien skal være mellem 0 og 4."]}


@pytest.mark.parametrize(
    ("age", "cutoff"), [(6, 32), (12, 32), (13, 28), (17, 28), (18, 25), (80, 25), (4, 32)]
)
def test_ors_cutoff_by_age(age, cutoff):
    # domain.md: 25 for adults; 28 for 13–17; 32 for 6–12 (the youngest group covers below)
    assert instruments.get("ORS").cutoff_for_age(age) == cutoff
