//! YAML
//! stub
use super::{SourceDoc, SourceError, SourceOptions};
pub fn extract(_text: &str, _opts: &SourceOptions) -> Result<SourceDoc, SourceError> { Ok(SourceDoc::default()) }
