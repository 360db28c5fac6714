//! What the admin screens may offer (seed: Callaro "Adding phone numbers"):
//! the detail page's actions and editable sections, the add-number
//! wizard's sources, and validation of its drafts.
//!
//! These are pure functions so that a dashboard (through WASM) and a
//! server give the same answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::country::Country;
use crate::e164::E164;
use crate::error::{Error, FieldProblem, Result};
use crate::ids::{AgentId, ConnectionId};
use crate::kind::NumberKind;
use crate::lifecycle::{label_problem, vendor_field_problems};
use crate::record::{Connection, ConnectionStatus, Management, NumberStatus, PhoneNumber, Source};

/// A button on the detail page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Activate (inactive numbers).
    Activate,
    /// Deactivate (active numbers).
    Deactivate,
    /// Release number (platform-managed only, destructive confirm).
    Release,
    /// Re-sync from the provider (when a provider SID exists).
    Resync,
    /// Configure webhooks on the provider (when the vendor supports it).
    ConfigureWebhooks,
}

/// A section of the detail page with its own Save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Label.
    Label,
    /// Inbound call agent.
    InboundAgent,
    /// Allowed inbound countries.
    AllowedInboundCountries,
    /// Allowed outbound countries.
    AllowedOutboundCountries,
    /// Configuration: the telephony connection.
    Configuration,
    /// Vendor-specific provider fields.
    ProviderFields,
}

/// What the detail page offers an actor for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedActions {
    /// Buttons, in page order.
    pub actions: Vec<Action>,
    /// Sections the actor may save.
    pub editable_sections: Vec<Section>,
    /// True when the connection is shown as read-only text (platform-managed
    /// purchased numbers).
    pub connection_read_only: bool,
}

/// The actions and editable sections of the detail page for `record`.
///
/// `not_found` for another tenant's record; a read-only actor sees the
/// page with nothing to press or save. `connection` is the record's
/// telephony connection, if loaded.
pub fn allowed_actions(
    record: &PhoneNumber,
    actor: &Actor,
    connection: Option<&Connection>,
) -> Result<AllowedActions> {
    actor.check_read(&record.tenant)?;
    let connection_read_only =
        record.management == Management::PlatformManaged && record.source == Source::Purchased;
    let mut out = AllowedActions {
        actions: Vec::new(),
        editable_sections: Vec::new(),
        connection_read_only,
    };
    let live = matches!(record.status, NumberStatus::Active | NumberStatus::Inactive);
    if actor.role == Role::ReadOnly || !live {
        return Ok(out);
    }
    let connection = connection.filter(|c| record.connection_id.as_ref() == Some(&c.id));
    out.actions.push(if record.status == NumberStatus::Active {
        Action::Deactivate
    } else {
        Action::Activate
    });
    // "Release number (Twilio-managed only)": a platform-managed number
    // whose vendor releases through the API.
    if record.management == Management::PlatformManaged
        && connection.is_some_and(|c| c.supports.release)
    {
        out.actions.push(Action::Release);
    }
    if record.provider_sid().is_some() {
        out.actions.push(Action::Resync);
    }
    if connection.is_some_and(|c| c.supports.webhook_config) {
        out.actions.push(Action::ConfigureWebhooks);
    }
    out.editable_sections.extend([
        Section::Label,
        Section::InboundAgent,
        Section::AllowedInboundCountries,
        Section::AllowedOutboundCountries,
    ]);
    if !connection_read_only {
        out.editable_sections.push(Section::Configuration);
    }
    if connection.is_some_and(|c| !c.supports.extra_phone_fields.is_empty()) {
        out.editable_sections.push(Section::ProviderFields);
    }
    Ok(out)
}

/// A way to add a number (step 1 of the wizard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddSourceKind {
    /// Search the provider's inventory and buy.
    Purchase,
    /// Import a number the provider account already owns.
    ImportOwned,
    /// Register an existing number from any provider (BYOT).
    Manual,
}

/// One source the wizard may show, with the connections that offer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSource {
    /// The source.
    pub kind: AddSourceKind,
    /// Active connections of the actor's tenant that offer it.
    pub connection_ids: Vec<ConnectionId>,
}

/// Step 1 of the add-number wizard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSources {
    /// Sources to show; manual is always there for a writer.
    pub sources: Vec<AddSource>,
    /// Helper text when purchase is not offered.
    pub hint: Option<String>,
}

/// The sources the wizard offers `actor`: purchase (and import) only when an
/// active connection of the tenant supports it, manual always. A read-only
/// actor may add nothing.
pub fn add_sources(connections: &[Connection], actor: &Actor) -> AddSources {
    if actor.role == Role::ReadOnly {
        return AddSources {
            sources: Vec::new(),
            hint: Some("your role cannot add numbers".into()),
        };
    }
    let active: Vec<&Connection> = connections
        .iter()
        .filter(|c| c.tenant == actor.tenant && c.status == ConnectionStatus::Active)
        .collect();
    let ids = |f: fn(&Connection) -> bool| -> Vec<ConnectionId> {
        active
            .iter()
            .filter(|c| f(c))
            .map(|c| c.id.clone())
            .collect()
    };
    let mut sources = Vec::new();
    let purchase = ids(|c| c.supports.search_purchase);
    let import = ids(|c| c.supports.import_owned);
    let hint = purchase.is_empty().then(|| {
        "Add an active telephony connection whose provider supports purchase first".to_string()
    });
    if !purchase.is_empty() {
        sources.push(AddSource {
            kind: AddSourceKind::Purchase,
            connection_ids: purchase,
        });
    }
    if !import.is_empty() {
        sources.push(AddSource {
            kind: AddSourceKind::ImportOwned,
            connection_ids: import,
        });
    }
    sources.push(AddSource {
        kind: AddSourceKind::Manual,
        connection_ids: ids(|_| true),
    });
    AddSources { sources, hint }
}

/// The manual (BYOT) path of the wizard: "Add number manually" then
/// "Configure number".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ManualDraft {
    /// Phone number (E.164), as typed.
    pub e164: Option<String>,
    /// Telephony connection (active connections only).
    pub connection_id: Option<String>,
    /// Label (name), optional.
    pub label: Option<String>,
    /// Inbound call agent, optional.
    pub inbound_agent: Option<String>,
    /// Allowed inbound countries; empty = no restriction.
    pub allowed_inbound_countries: Vec<String>,
    /// Allowed outbound countries; empty = no restriction.
    pub allowed_outbound_countries: Vec<String>,
    /// Vendor-specific fields.
    pub vendor_fields: BTreeMap<String, String>,
}

/// A manual draft that passed validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidManualDraft {
    /// The number.
    pub e164: E164,
    /// Its country.
    pub country: Country,
    /// Its type.
    pub kind: NumberKind,
    /// The connection.
    pub connection_id: ConnectionId,
    /// Label.
    pub label: Option<String>,
    /// Inbound agent.
    pub inbound_agent: Option<AgentId>,
    /// Allowed inbound countries.
    pub allowed_inbound_countries: Vec<Country>,
    /// Allowed outbound countries.
    pub allowed_outbound_countries: Vec<Country>,
    /// Vendor fields.
    pub vendor_fields: BTreeMap<String, String>,
}

fn problem(field: impl Into<String>, code: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Parses an E.164 field of a draft, adding a problem on failure.
fn e164_field(value: Option<&str>, field: &str, problems: &mut Vec<FieldProblem>) -> Option<E164> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            problems.push(problem(
                field,
                "required",
                "a phone number in E.164 form is required",
            ));
            None
        }
        Some(s) => match E164::parse(s, None) {
            Ok(n) => Some(n),
            Err(e) => {
                problems.push(problem(field, e.code(), e.to_string()));
                None
            }
        },
    }
}

/// Finds an active connection of the actor's tenant, adding a problem if
/// there is none.
fn connection_field<'a>(
    value: Option<&str>,
    connections: &'a [Connection],
    actor: &Actor,
    problems: &mut Vec<FieldProblem>,
) -> Option<&'a Connection> {
    let Some(id) = value.filter(|s| !s.is_empty()) else {
        problems.push(problem(
            "connection_id",
            "required",
            "a telephony connection is required",
        ));
        return None;
    };
    let found = connections
        .iter()
        .find(|c| c.id.as_str() == id && actor.check_read(&c.tenant).is_ok());
    match found {
        None => {
            problems.push(problem(
                "connection_id",
                "unknown_connection",
                "no such connection",
            ));
            None
        }
        Some(c) if c.status != ConnectionStatus::Active => {
            problems.push(problem(
                "connection_id",
                "connection_inactive",
                "the connection is not active",
            ));
            None
        }
        Some(c) => Some(c),
    }
}

fn countries_field(
    values: &[String],
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Vec<Country> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match Country::new(v) {
            Ok(c) if !out.contains(&c) => out.push(c),
            Ok(_) => {}
            Err(e) => problems.push(problem(format!("{field}[{i}]"), e.code(), e.to_string())),
        }
    }
    out.sort();
    out
}

/// Validates the manual path of the add-number wizard. "Next: Configure
/// number is disabled until both E.164 and connection are set": a draft
/// needs a valid E.164 number (with `+` and country code) and an active
/// connection of the actor's tenant. Every problem is reported at once
/// (`validation_failed` with `problems`).
pub fn validate_manual_draft(
    draft: &ManualDraft,
    connections: &[Connection],
    actor: &Actor,
) -> Result<ValidManualDraft> {
    actor.check_write(&actor.tenant)?;
    let mut problems = Vec::new();
    let e164 = e164_field(draft.e164.as_deref(), "e164", &mut problems);
    let connection = connection_field(
        draft.connection_id.as_deref(),
        connections,
        actor,
        &mut problems,
    );
    let label = draft
        .label
        .as_ref()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    if let Some(l) = &label {
        problems.extend(label_problem(l));
    }
    let inbound_agent = match draft.inbound_agent.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(a) => match AgentId::new(a) {
            Ok(a) => Some(a),
            Err(e) => {
                problems.push(problem("inbound_agent", e.code(), e.to_string()));
                None
            }
        },
    };
    let inbound = countries_field(
        &draft.allowed_inbound_countries,
        "allowed_inbound_countries",
        &mut problems,
    );
    let outbound = countries_field(
        &draft.allowed_outbound_countries,
        "allowed_outbound_countries",
        &mut problems,
    );
    if let Some(c) = connection {
        vendor_field_problems(
            &draft.vendor_fields,
            &c.supports.extra_phone_fields,
            &mut problems,
        );
    }
    match (e164, connection) {
        (Some(e164), Some(c)) if problems.is_empty() => Ok(ValidManualDraft {
            country: e164.region().ok_or(Error::ValidationFailed {
                problems: vec![problem(
                    "e164",
                    "non_geographic_number",
                    "a non-geographic number has no country",
                )],
            })?,
            kind: e164.kind(),
            e164,
            connection_id: c.id.clone(),
            label,
            inbound_agent,
            allowed_inbound_countries: inbound,
            allowed_outbound_countries: outbound,
            vendor_fields: draft.vendor_fields.clone(),
        }),
        _ => Err(Error::ValidationFailed { problems }),
    }
}

/// One owned number to import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportItem {
    /// The number, as typed or as the provider lists it.
    pub e164: Option<String>,
    /// Label.
    pub label: Option<String>,
}

/// An import of owned numbers (seed: Callaro `POST /phone_numbers/import_owned`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportDraft {
    /// The numbers.
    pub numbers: Vec<ImportItem>,
    /// The connection whose account owns them.
    #[serde(alias = "telephony_connection_id")]
    pub connection_id: Option<String>,
    /// The confirm dialog: "voice webhook and status callback will be
    /// updated and may break other integrations".
    pub confirm_replace_webhooks: bool,
}

/// One validated import line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidImportItem {
    /// The number.
    pub e164: E164,
    /// Label.
    pub label: Option<String>,
}

/// An import that passed validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidImport {
    /// The numbers, in draft order, without duplicates.
    pub numbers: Vec<ValidImportItem>,
    /// The connection.
    pub connection_id: ConnectionId,
}

/// Validates an import: at least one valid number, no duplicates, an active
/// connection whose vendor supports importing; every problem at once
/// (`validation_failed`). Then the explicit confirmation that webhooks will
/// be replaced: without it, `confirmation_required`.
pub fn validate_import(
    draft: &ImportDraft,
    connections: &[Connection],
    actor: &Actor,
) -> Result<ValidImport> {
    actor.check_write(&actor.tenant)?;
    let mut problems = Vec::new();
    if draft.numbers.is_empty() {
        problems.push(problem(
            "numbers",
            "required",
            "at least one number is required",
        ));
    }
    let mut numbers: Vec<ValidImportItem> = Vec::new();
    for (i, item) in draft.numbers.iter().enumerate() {
        let field = format!("numbers[{i}].e164");
        if let Some(n) = e164_field(item.e164.as_deref(), &field, &mut problems) {
            if numbers.iter().any(|v| v.e164 == n) {
                problems.push(problem(field, "duplicate", "listed twice"));
                continue;
            }
            let label = item
                .label
                .as_ref()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty());
            if let Some(mut p) = label.as_deref().and_then(label_problem) {
                p.field = format!("numbers[{i}].label");
                problems.push(p);
            }
            numbers.push(ValidImportItem { e164: n, label });
        }
    }
    let connection = connection_field(
        draft.connection_id.as_deref(),
        connections,
        actor,
        &mut problems,
    );
    if connection.is_some_and(|c| !c.supports.import_owned) {
        problems.push(problem(
            "connection_id",
            "not_supported",
            "the connection's vendor does not support importing owned numbers",
        ));
    }
    if !problems.is_empty() {
        return Err(Error::ValidationFailed { problems });
    }
    if !draft.confirm_replace_webhooks {
        return Err(Error::ConfirmationRequired {
            confirmation: "confirm_replace_webhooks".into(),
        });
    }
    let connection_id = connection
        .map(|c| c.id.clone())
        .ok_or(Error::ValidationFailed {
            problems: vec![problem(
                "connection_id",
                "required",
                "a telephony connection is required",
            )],
        })?;
    Ok(ValidImport {
        numbers,
        connection_id,
    })
}

#[cfg(test)]
mod tests;
