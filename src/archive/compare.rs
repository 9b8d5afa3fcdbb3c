//! What a new version is compared with, and what the comparison means: a broken capture is
//! never diffed as removals, a capture of another regional variant is compared with that
//! variant's own history, anything else with the previous good version.
use sqlx::PgConnection;

use crate::db::versions::{self, VersionRow};
use crate::domain::provision::Provision;
use crate::pipeline::diff::{Change, ChangeClass, Importance, MAX_SUMMARY_CHARS, ProvisionChange, broken, cut_at_word};

/// The version a new one is diffed with, and why that one.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The version compared with: the latest good version, or the latest of the new variant.
    pub version: VersionRow,
    /// Set when the new version is of another region than the latest good one.
    pub switch: Option<VariantSwitch>,
}

/// A capture of another regional variant than the version before it.
#[derive(Debug, Clone)]
pub struct VariantSwitch {
    pub from: String,
    pub to: String,
    /// Whether the archive already had a version of the new variant (the baseline is then the
    /// latest of them).
    pub known: bool,
}

/// Finds the baseline of a new version of region `variant` captured after `previous`.
pub async fn baseline(
    conn: &mut PgConnection,
    previous: &VersionRow,
    variant: Option<&str>,
) -> Result<Option<Baseline>, sqlx::Error> {
    let Some((good, good_variant)) = versions::baseline(conn, previous, None).await? else { return Ok(None) };
    let (Some(to), Some(from)) = (variant, good_variant) else {
        return Ok(Some(Baseline { version: good, switch: None }));
    };
    if to == from {
        return Ok(Some(Baseline { version: good, switch: None }));
    }
    let switch = |known| Some(VariantSwitch { from: from.clone(), to: to.to_owned(), known });
    Ok(Some(match versions::baseline(conn, previous, Some(to)).await? {
        Some((same, _)) => Baseline { version: same, switch: switch(true) },
        None => Baseline { version: good, switch: switch(false) },
    }))
}

/// Settles the class and one-line summary of the change from `base` to `next` (diffed as
/// `change`), clearing its provision changes when they are not changes of the terms (a broken
/// capture, the first capture of another variant). None when nothing is to be stored.
pub fn verdict(
    base: &Baseline,
    old: &[Provision],
    next: &[Provision],
    change: &mut Change,
    importance: &dyn Fn(&ProvisionChange) -> Importance,
) -> Option<String> {
    let date = base.version.captured_at.format("%Y-%m-%d");
    match &base.switch {
        None => {
            if let Some(reason) = broken(old, next, change) {
                change.provisions.clear();
                change.class = ChangeClass::Broken;
                return Some(format!("Broken capture, not diffed: {reason}"));
            }
            (!change.is_empty()).then(|| change.summary_by(importance))
        }
        Some(VariantSwitch { from, to, known: false }) => {
            let differ = change.provisions.len();
            change.provisions.clear();
            change.class = ChangeClass::Variant;
            Some(format!(
                "Regional variant: the {to} version of this document, where the previous capture was the {from} \
                 version ({differ} provisions differ between the two); tracked apart from now on"
            ))
        }
        Some(VariantSwitch { to, known: true, .. }) if change.is_empty() => {
            change.class = ChangeClass::Variant;
            Some(format!("Regional variant: the {to} version again, unchanged since {date}"))
        }
        Some(VariantSwitch { to, known: true, .. }) => Some(cut_at_word(
            &format!("{to} version, since {date}: {}", change.summary_by(importance)),
            MAX_SUMMARY_CHARS,
        )),
    }
}
