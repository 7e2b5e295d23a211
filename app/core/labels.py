"""Labels: the words a person reads for a field name or a code, in the request's language.

Field names and codes stay as they are in the API (clients map them to inputs and logic); a
label goes next to them: the field's name in a validation message ("预算金额：请填写整数。"),
a code's label in a response (`status` + `status_label`), in a message ("投标中") and in an
XLSX sheet. Labels are English message ids (the catalog gives the Chinese) and are looked up
through a cache per language, so a list of a hundred rows costs a hundred dict lookups.

- `FIELDS`: one label per request field name (fields are named alike across schemas; a nested
  or listed field uses its leaf's name). tests/core/test_labels.py fails when a field of the
  OpenAPI document has none.
- a vocabulary is a `{code: message id}` dict a domain declares next to its codes
  (`PROJECT_STATUSES` …); `code_label(vocabulary, code)` and `core.fields.Label` read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import has_app_context

from app.core.i18n import N_, is_english, translate

# {is_english: {message id: text}}, filled on first use
_CACHE: dict[bool, dict[str, str]] = {True: {}, False: {}}


def _english() -> bool:
    """Outside an app (a script, a unit test) labels are their English message ids."""
    return not has_app_context() or is_english()


def text(message: str) -> str:
    """`message` (a label's English message id) in the request's language, cached."""
    if not has_app_context():
        return message
    cache = _CACHE[is_english()]
    found = cache.get(message)
    if found is None:
        found = cache[message] = translate(message)
    return found


def texts(*messages: str) -> list[str]:
    """Several labels at once: an XLSX header row."""
    return [text(message) for message in messages]


def code_label(vocabulary: Mapping[str, str], code: str | None) -> str | None:
    """The label of `code` in `vocabulary`; an unknown code is shown as it is."""
    if code is None:
        return None
    message = vocabulary.get(code)
    return text(message) if message else code


def field_label(name: str) -> str:
    """The label of a field: `beneficiary.id_number` and `goals.0.name` by their leaf."""
    leaf = next((part for part in reversed(str(name).split(".")) if not part.isdigit()), name)
    message = FIELDS.get(leaf)
    return text(message) if message else leaf


def field_list(names: Iterable[str]) -> str:
    """Field labels joined for a sentence, each once: "预算金额、开始日期" / "Budget, Due date"."""
    labels = list(dict.fromkeys(field_label(name) for name in names))
    return (", " if _english() else "、").join(labels)


def _in_sentence(label: str) -> str:
    """An English label inside a sentence starts lower case ("This bid is withdrawn"), an
    acronym stays as it is ("ID card number")."""
    if not _english() or not label[:1].isupper() or label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


class Code:
    """A code as a message value: `%(status)s` shows its label in the language the message
    is written in (`params={"status": Code(PROJECT_STATUSES, project.status)}`); details
    keep the code itself."""

    __slots__ = ("vocabulary", "code")

    def __init__(self, vocabulary: Mapping[str, str], code: str | None) -> None:
        self.vocabulary, self.code = vocabulary, code

    def __str__(self) -> str:
        return _in_sentence(str(code_label(self.vocabulary, self.code)))

    def __repr__(self) -> str:
        return repr(self.code)


class Phrase:
    """A message id as a message value, shown in the message's language (`%(problem)s`)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return text(self.message)

    def __repr__(self) -> str:
        return repr(self.message)


class Codes:
    """Several codes as one message value: their labels joined, "、" (`any_of`: "或")."""

    __slots__ = ("vocabulary", "codes", "any_of")

    def __init__(self, vocabulary: Mapping[str, str], codes: Iterable[str], *,
                 any_of: bool = False) -> None:
        self.vocabulary, self.codes, self.any_of = vocabulary, list(codes), any_of

    def __str__(self) -> str:
        labels = [_in_sentence(str(code_label(self.vocabulary, code))) for code in self.codes]
        if _english():
            return (" or " if self.any_of else ", ").join(labels)
        return ("或" if self.any_of else "、").join(labels)

    def __repr__(self) -> str:
        return repr(self.codes)


# the officer roles (`core.roles.Role`)
ROLES: dict[str, str] = {
    "reviewer": N_("Reviewer"),
    "approver": N_("Approver"),
    "admin": N_("Administrator"),
    "verifier": N_("Card verifier"),
}

# the kinds of the officer to-do queue (`core.todos.KINDS`, registered by the domains)
TODO_KINDS: dict[str, str] = {
    "membership": N_("Membership application"),
    "aid_application": N_("Aid application"),
    "project_bids": N_("Project bids to award"),
    "project_review": N_("Project results to evaluate"),
    "station_feedback": N_("Station feedback to check"),
    "station_feedback_answer": N_("Station feedback to answer"),
    "aid_no_approver": N_("Aid step without an approver"),
    "hardship_file": N_("Hardship file"),
    "hardship_review": N_("Hardship file due for its yearly review"),
    "hardship_follow_up": N_("Follow-up six months after a hardship exit"),
    "notice_objection": N_("Objection to a public notice"),
    "membership_transfer": N_("Membership transfer"),
    "membership_correction": N_("Correction of a member's name or ID number"),
    "rights_case": N_("Rights case to accept"),
    "rights_overdue": N_("Overdue rights case"),
    "training_request": N_("Training request (点单) to decide"),
    "event_work": N_("Lecture work to review"),
    "relief_acknowledge": N_("Relief to acknowledge"),
}


FIELDS: dict[str, str] = {
    "accept_days": N_("Working days to accept"),
    "amount_claimed_fen": N_("Amount owed"),
    "amount_recovered_fen": N_("Amount recovered"),
    "assigned_to": N_("Handled by"),
    "called_on": N_("Date of the call"),
    "caller_name": N_("Who called"),
    "contact_method": N_("How to contact you"),
    "contact_phone": N_("Contact phone"),
    "value": N_("Corrected value"),
    "document_file_id": N_("Document"),
    "member_said": N_("What the member said"),
    "overdue": N_("Overdue"),
    "resolve_days": N_("Working days to resolve"),
    "to_org_id": N_("Receiving union"),
    "token": N_("Member card code"),
    "what_happened": N_("What happened"),
    "what_wanted": N_("What you want"),
    "accepted": N_("Accepted templates"),
    "always": N_("Always open"),
    "avatar_file_id": N_("Profile picture"),
    "closed_dates": N_("Closed dates"),
    "data_kinds": N_("Kinds of personal data"),
    "fri": N_("Friday"),
    "mon": N_("Monday"),
    "nickname": N_("Nickname"),
    "sat": N_("Saturday"),
    "scene": N_("Code on the station's sign"),
    "action": N_("Action"),
    "actual": N_("Actual value"),
    "actuals": N_("Actual values"),
    "address": N_("Address"),
    "amap_poi_id": N_("Amap place id"),
    "amount_fen": N_("Amount"),
    "answer": N_("Answer"),
    "application_id": N_("Application"),
    "application_ids": N_("Applications"),
    "baidu_uid": N_("Baidu place id"),
    "bank": N_("Bank"),
    "bank_account": N_("Bank account"),
    "batch_id": N_("Batch"),
    "beneficiary": N_("Beneficiary"),
    "bid_deadline": N_("Bid deadline"),
    "bid_id": N_("Bid"),
    "budget_fen": N_("Budget"),
    "candidates": N_("Candidate sites"),
    "categories": N_("Categories"),
    "category": N_("Category"),
    "category_code": N_("Category"),
    "chain": N_("Approval chain"),
    "closes_at": N_("Closing time"),
    "code": N_("Code"),
    "comment": N_("Comment"),
    "consent_id": N_("Consent"),
    "coord": N_("Coordinate system"),
    "cursor": N_("Page cursor"),
    "data_kind": N_("Kind of data"),
    "documents": N_("Documents"),
    "dry_run": N_("Check only"),
    "due_date": N_("Due date"),
    "duty": N_("Duty"),
    "eligible_org_ids": N_("Eligible orgs"),
    "employer": N_("Employer"),
    "feedback_id": N_("Feedback"),
    "field": N_("Field"),
    "file": N_("File"),
    "file_id": N_("File"),
    "from": N_("Start date"),
    "goal": N_("Goal"),
    "goals": N_("Goals"),
    "grade": N_("Grade"),
    "grant_id": N_("Role grant"),
    "guardian_relation": N_("Relation to the person"),
    "holder": N_("Account holder"),
    "host_type": N_("Host type"),
    "hours": N_("Hours"),
    "household_county": N_("County of household registration"),
    "id": N_("ID"),
    "id_number": N_("ID card number"),
    "industry": N_("Industry"),
    "items": N_("Items"),
    "k": N_("Number of sites"),
    "kind": N_("Kind"),
    "lat": N_("Latitude"),
    "level": N_("Level"),
    "limit": N_("Page size"),
    "lng": N_("Longitude"),
    "location": N_("Location"),
    "membership_id": N_("Membership"),
    "message_id": N_("Message"),
    "milestone": N_("Milestone"),
    "month": N_("Month"),
    "name": N_("Name"),
    "note": N_("Note"),
    "number": N_("Account number"),
    "occupation": N_("Occupation"),
    "officer_id": N_("Officer"),
    "on_behalf": N_("On someone's behalf"),
    "open_now": N_("Open now"),
    "openid": N_("User"),
    "opening_hours": N_("Opening hours"),
    "opens_at": N_("Opening time"),
    "org_id": N_("Org"),
    "outcome": N_("Outcome"),
    "owner_org_id": N_("Owner org"),
    "paper_reference": N_("Paper form reference"),
    "parent_id": N_("Parent org"),
    "partner_name": N_("Partner"),
    "period": N_("Period"),
    "phone": N_("Phone number"),
    "photo_file_ids": N_("Photos"),
    "photos": N_("Photos"),
    "plan": N_("Plan"),
    "points": N_("Demand points"),
    "policy_version": N_("Policy version"),
    "problem": N_("Problem"),
    "program_id": N_("Program"),
    "project_id": N_("Project"),
    "purpose": N_("Purpose"),
    "q": N_("Search words"),
    "qualifications": N_("Qualifications"),
    "radius": N_("Radius"),
    "radius_m": N_("Radius"),
    "rating": N_("Rating"),
    "real_name": N_("Real name"),
    "reason": N_("Reason"),
    "region_code": N_("Region code"),
    "rejected": N_("Declined templates"),
    "relation": N_("Relation"),
    "requested_fen": N_("Requested amount"),
    "required_documents": N_("Required documents"),
    "role": N_("Role"),
    "satisfied": N_("Satisfied"),
    "school": N_("School"),
    "scope": N_("Scope"),
    "score": N_("Score"),
    "services": N_("Services"),
    "station_id": N_("Station"),
    "status": N_("Status"),
    "subject": N_("Person concerned"),
    "sun": N_("Sunday"),
    "target": N_("Target"),
    "team": N_("Team"),
    "team_member_id": N_("Team member"),
    "text": N_("Text"),
    "thu": N_("Thursday"),
    "tier_code": N_("Tier"),
    "tiers": N_("Tiers"),
    "title": N_("Title"),
    "to": N_("End date"),
    "tue": N_("Tuesday"),
    "unit": N_("Unit"),
    "unread": N_("Unread only"),
    "user_id": N_("User"),
    "version": N_("Version"),
    "waiting_for_me": N_("Waiting for me"),
    "wed": N_("Wednesday"),
    "weekly": N_("Weekly hours"),
    "weight": N_("Weight"),
    "worked_on": N_("Day worked"),
    "year": N_("Year"),
    "accident_costs_fen": N_("Accident costs"),
    "county_org_id": N_("County union"),
    "decision_note": N_("Collective decision"),
    "evidence_file_ids": N_("Evidence"),
    "family": N_("Family members"),
    "finance_consent_file_id": N_("Consent to a household finance check"),
    "findings": N_("Findings"),
    "fixed_costs": N_("Fixed costs"),
    "head": N_("Head of household"),
    "health": N_("Health"),
    "household_size": N_("Household size"),
    "income_items": N_("Income"),
    "main_cause": N_("Main cause"),
    "member_id": N_("Family member"),
    "notice_working_days": N_("Notice period (working days)"),
    "poverty_line_fen": N_("Minimum living standard"),
    "schooling": N_("Schooling"),
    "second_officer_id": N_("Second officer"),
    "secondary_causes": N_("Secondary causes"),
    "signed_application_file_id": N_("Signed application"),
    "visited_on": N_("Date of the visit"),
    "work": N_("Work"),
    "yearly_fixed_costs_fen": N_("Yearly fixed costs"),
    "yearly_income_fen": N_("Yearly household income"),
    "confirmations": N_("Confirmations"),
    "excluded_by_program_ids": N_("Programs that exclude this one"),
    "repeat_scope": N_("Repeat-aid scope"),
    "repeat_rule": N_("Repeat-aid rule"),
    "hardship_file_rule": N_("Hardship file rule"),
    "required_confirmations": N_("Required confirmations"),
    "audience": N_("Audience"),
    "audience_org_ids": N_("Audience orgs"),
    "author_name": N_("Author's name"),
    "capacity": N_("Seats"),
    "date_from": N_("Start date"),
    "date_to": N_("End date"),
    "description": N_("Description"),
    "ends_at": N_("End time"),
    "event": N_("Event"),
    "expected_participants": N_("Expected participants"),
    "form": N_("Form"),
    "link": N_("Link"),
    "live_url": N_("Live link"),
    "managed": N_("Events I manage"),
    "mine": N_("Mine only"),
    "place": N_("Place"),
    "place_type": N_("Place type"),
    "preferred_dates": N_("Preferred dates"),
    "replay_url": N_("Replay link"),
    "series": N_("Topic series"),
    "signup_closes_at": N_("Sign-up closes"),
    "signup_id": N_("Sign-up"),
    "signup_opens_at": N_("Sign-up opens"),
    "speakers": N_("Speakers"),
    "starts_at": N_("Start time"),
    "summary": N_("Short description"),
    "topic": N_("Topic"),
    "unregistered_attendance": N_("People without the app"),
    "venue_name": N_("Venue"),
    "allocation": N_("Allocation"),
    "women_only": N_("Women members only"),
    "quantity": N_("Quantity"),
    "unit_fen": N_("Unit value"),
    "provider": N_("Provider"),
    "pickup_until": N_("Pick-up until"),
    "card_pickup": N_("Handed over on the member card"),
    "stock": N_("Stock"),
    "point_id": N_("Pick-up point"),
    "from_org_id": N_("Giving org"),
    "meeting_name": N_("Meeting"),
    "meeting_date": N_("Meeting date"),
    "minute_reference": N_("Minute reference"),
    "decision_file_id": N_("Decision file"),
    "voucher_reference": N_("Voucher reference"),
    "voucher_file_id": N_("Voucher file"),
    "batch_name": N_("Batch name"),
    "people": N_("People"),
    "recipient_kind": N_("Recipient kind"),
    "method": N_("Payment method"),
    "bank_name": N_("Bank name"),
    "signature_file_id": N_("Signature file"),
    "direction": N_("Direction"),
}
