"""The encoded rules against the fact sheets: every rule bilingual and cited, numbers sourced,
and the dated facts each version depends on."""

from __future__ import annotations

import datetime as dt

import pytest

from kontakta_rules.catalog import Catalog
from kontakta_rules.checks import (
    ConfirmationDeadline,
    Manual,
    NixCheck,
    NixListed,
    Recording,
    WrittenAcceptance,
)
from kontakta_rules.text import LANGUAGES
from kontakta_rules.vocabulary import Basis, Layer, Unit

ALL = [rs for rs in Catalog.default()]


@pytest.mark.parametrize("rs", ALL, ids=lambda rs: rs.ref)
def test_every_rule_has_both_languages_a_url_and_a_basis(rs) -> None:
    for rule in rs.rules:
        for text in (rule.title, rule.text, *rule.source_notes):
            for lang in LANGUAGES:
                assert text.get(lang).strip(), (rule.id, lang)
        assert rule.title.sv != rule.title.en or rule.title.sv.isupper(), rule.id
        assert rule.citation.url.startswith(("http://", "https://")), rule.id
        assert isinstance(rule.basis, Basis)
        if isinstance(rule.check, Manual):
            assert rule.check.procedure.sv and rule.check.procedure.en


@pytest.mark.parametrize("rs", ALL, ids=lambda rs: rs.ref)
def test_every_number_has_a_source_and_open_values_are_the_organisations(rs) -> None:
    for name, param in rs.parameters.items():
        if param.value is None:
            assert param.basis is Basis.ORGANISATION, name
        elif isinstance(param.value, int | float):
            assert param.citation is not None and param.citation.url.startswith("http"), name
            assert param.basis is not Basis.ORGANISATION, name


def test_layers(catalog: Catalog) -> None:
    layers = {rs.id: rs.layer for rs in catalog}
    assert layers == {
        "swedish-law": Layer.LAW,
        "nix-telefon": Layer.REGISTER,
        "telemarketing-b2c": Layer.INDUSTRY,
        "telemarketing-b2b": Layer.INDUSTRY,
        "customer-service": Layer.INDUSTRY,
        "consumer-law-customer-service": Layer.LAW,
        "accessibility-act": Layer.LAW,
        "ai-act": Layer.LAW,
        "customer-service-practice": Layer.PRACTICE,
    }


def test_version_dates_from_the_fact_sheets(catalog: Catalog) -> None:
    assert [v.isoformat() for v in catalog.versions("telemarketing-b2c")] == [
        "1987-01-01",
        "2014-02-01",
        "2017-01-01",
        "2021-07-01",
    ]
    assert catalog.versions("nix-telefon")[-1] == dt.date(2017, 7, 1)
    assert catalog.versions("customer-service") == [dt.date(2023, 4, 1)]
    assert catalog.versions("swedish-law") == [dt.date(2018, 9, 1)]
    assert catalog.resolve("telemarketing-b2c@1987-01-01").version_precision == "year"
    assert catalog.resolve("telemarketing-b2b@2008-01-01").version_precision == "year"


def _param_of(rs, check_type, field):
    check = next(r.check for r in rs.rules if isinstance(r.check, check_type))
    name = getattr(check, field)
    return None if name is None else rs.parameters[name]


def test_nix_check_validity_two_months_now_three_in_the_older_regime(catalog: Catalog) -> None:
    new = _param_of(catalog.resolve("nix-telefon@2017-07-01"), NixCheck, "validity")
    old = _param_of(catalog.resolve("nix-telefon@1999-11-01"), NixCheck, "validity")
    assert (new.value, new.unit, old.value, old.unit) == (2, Unit.MONTHS, 3, Unit.MONTHS)
    assert new.notes, "the 2 vs 3 months conflict is noted"


def test_consent_three_months_and_ticked_from_2017_until_withdrawn_before(catalog: Catalog) -> None:
    new_rs, old_rs = (
        catalog.resolve("nix-telefon@2017-07-01"),
        catalog.resolve("nix-telefon@1999-11-01"),
    )
    new = next(r.check for r in new_rs.rules if isinstance(r.check, NixListed))
    old = next(r.check for r in old_rs.rules if isinstance(r.check, NixListed))
    assert new_rs.parameters[new.consent_validity].value == 3
    assert new.consent_requires_active_selection is True
    assert old.consent_validity is None and old.consent_requires_active_selection is False
    # "at least six months but normally not more than a year": the ceiling in both (review D1)
    assert new_rs.parameters[new.customer_tail].value == 12
    assert old_rs.parameters[old.customer_tail].value == 12
    assert new_rs.parameters[new.customer_tail].notes


def test_confirmation_within_five_working_days_from_2017(catalog: Catalog) -> None:
    rs = catalog.resolve("telemarketing-b2c@2017-01-01")
    param = _param_of(rs, ConfirmationDeadline, "deadline")
    assert (param.value, param.unit) == (5, Unit.WORKING_DAYS)
    assert not any(
        isinstance(r.check, ConfirmationDeadline)
        for r in catalog.resolve("telemarketing-b2c@2014-02-01").rules
    )


def test_recording_rules_apply_from_2021_09_01(catalog: Catalog) -> None:
    rs = catalog.resolve("telemarketing-b2c@2021-07-01")
    recording = [r for r in rs.rules if isinstance(r.check, Recording)]
    assert len(recording) == 2
    for rule in recording:
        assert rule.effective_from == dt.date(2021, 9, 1)
        assert not rule.in_force_on(dt.date(2021, 8, 31), rs.version)
        assert rule.in_force_on(dt.date(2021, 9, 1), rs.version)


def test_mobile_restriction_only_before_2014(catalog: Catalog) -> None:
    kinds = {
        rs.version: {r.check.kind for r in rs.rules}
        for rs in (catalog.resolve(f"telemarketing-b2c@{v}") for v in ("1987-01-01", "2014-02-01"))
    }
    assert "mobile-restriction" in kinds[dt.date(1987, 1, 1)]
    assert "mobile-restriction" not in kinds[dt.date(2014, 2, 1)]


def test_written_acceptance_for_trader_initiated_calls_in_law(catalog: Catalog) -> None:
    rs = catalog.resolve("swedish-law@2018-09-01")
    check = next(r.check for r in rs.rules if isinstance(r.check, WrittenAcceptance))
    assert "trader" in check.initiators
    assert "consumer" not in check.initiators


def test_calling_hours_have_no_invented_values(catalog: Catalog) -> None:
    for rs in catalog:
        for rule in rs.rules:
            if rule.check.kind in (
                "calling-window",
                "call-frequency",
                "silent-calls",
                "business-subscription",
            ):
                for _, name, _ in rule.check.parameter_refs():
                    assert rs.parameters[name].value is None, (rs.ref, rule.id, name)


def test_list_reports_automatic_and_manual(catalog: Catalog) -> None:
    rules = [r for rs in catalog for r in rs.rules]
    manual = [r for r in rules if not r.automatic]
    assert manual and len(manual) < len(rules)
    assert all(isinstance(r.check, Manual) for r in manual)


def test_every_bundled_pattern_carries_examples_and_counterexamples(catalog: Catalog) -> None:
    # the loader proves each example is found and each counterexample is not; this proves
    # there are enough of them to mean something, in both languages
    thin = [
        f"{rs.ref}/{name}/{lang}"
        for rs in catalog
        for name, pattern in rs.patterns.items()
        for lang in ("sv", "en")
        if len(pattern.examples(lang)[0]) < 3 or len(pattern.examples(lang)[1]) < 2
    ]
    assert thin == []
    assert sum(len(rs.patterns) for rs in catalog) >= 20
