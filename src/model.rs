//! Core vocabulary shared by every layer: categories, severities, document
//! kinds, findings and fixes. Protocol-free: no LSP or CLI types here.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// The 28 fixed categories of DESIGN.md. Their ids are stable (the evaluation
/// set and user configs use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    BlameCustomer,
    Minimizing,
    EmotionPolicing,
    NonApology,
    OverApology,
    Scripted,
    HollowEmpathy,
    PolicyShield,
    Deflection,
    NegativeFraming,
    Overpromise,
    VagueCommitment,
    Commanding,
    Condescension,
    PassiveAggressive,
    Hedging,
    Shouting,
    Flippant,
    Jargon,
    GenderedAddress,
    Hostility,
    PrematureClosure,
    InternalBlame,
    InternalContempt,
    NoAcknowledgement,
    ApologyWithoutAction,
    NoOwnership,
    WallOfText,
}

impl Category {
    pub const ALL: [Category; 28] = [
        Category::BlameCustomer,
        Category::Minimizing,
        Category::EmotionPolicing,
        Category::NonApology,
        Category::OverApology,
        Category::Scripted,
        Category::HollowEmpathy,
        Category::PolicyShield,
        Category::Deflection,
        Category::NegativeFraming,
        Category::Overpromise,
        Category::VagueCommitment,
        Category::Commanding,
        Category::Condescension,
        Category::PassiveAggressive,
        Category::Hedging,
        Category::Shouting,
        Category::Flippant,
        Category::Jargon,
        Category::GenderedAddress,
        Category::Hostility,
        Category::PrematureClosure,
        Category::InternalBlame,
        Category::InternalContempt,
        Category::NoAcknowledgement,
        Category::ApologyWithoutAction,
        Category::NoOwnership,
        Category::WallOfText,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::BlameCustomer => "blame-customer",
            Category::Minimizing => "minimizing",
            Category::EmotionPolicing => "emotion-policing",
            Category::NonApology => "non-apology",
            Category::OverApology => "over-apology",
            Category::Scripted => "scripted",
            Category::HollowEmpathy => "hollow-empathy",
            Category::PolicyShield => "policy-shield",
            Category::Deflection => "deflection",
            Category::NegativeFraming => "negative-framing",
            Category::Overpromise => "overpromise",
            Category::VagueCommitment => "vague-commitment",
            Category::Commanding => "commanding",
            Category::Condescension => "condescension",
            Category::PassiveAggressive => "passive-aggressive",
            Category::Hedging => "hedging",
            Category::Shouting => "shouting",
            Category::Flippant => "flippant",
            Category::Jargon => "jargon",
            Category::GenderedAddress => "gendered-address",
            Category::Hostility => "hostility",
            Category::PrematureClosure => "premature-closure",
            Category::InternalBlame => "internal-blame",
            Category::InternalContempt => "internal-contempt",
            Category::NoAcknowledgement => "no-acknowledgement",
            Category::ApologyWithoutAction => "apology-without-action",
            Category::NoOwnership => "no-ownership",
            Category::WallOfText => "wall-of-text",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Whether the category judges the document as a whole rather than a phrase.
    pub fn is_document_level(self) -> bool {
        matches!(
            self,
            Category::NoAcknowledgement
                | Category::ApologyWithoutAction
                | Category::NoOwnership
                | Category::WallOfText
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn from_id(id: &str) -> Option<Severity> {
        match id {
            "hint" => Some(Severity::Hint),
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What a document is; decides which categories apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    #[default]
    Reply,
    Kb,
    InternalNote,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Reply, Kind::Kb, Kind::InternalNote];
    pub fn id(self) -> &'static str {
        match self {
            Kind::Reply => "reply",
            Kind::Kb => "kb",
            Kind::InternalNote => "internal-note",
        }
    }
    pub fn from_id(id: &str) -> Option<Kind> {
        match id {
            "reply" => Some(Kind::Reply),
            "kb" => Some(Kind::Kb),
            "internal-note" | "internal" | "note" => Some(Kind::InternalNote),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One text replacement in source byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

/// One suggested rewrite. `edits` never overlap and never alter a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The fix a "fix all" applies; at most one per finding.
    pub preferred: bool,
}

/// One problem found in a document. Offsets are source bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Arc<str>,
    pub category: Category,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: Arc<str>,
    pub fixes: Vec<Fix>,
}

impl Finding {
    pub fn preferred_fix(&self) -> Option<&Fix> {
        self.fixes.iter().find(|f| f.preferred)
    }
}
