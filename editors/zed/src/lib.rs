//! Zed extension for tactful: starts `tactful lsp --stdio` (from `lsp.tactful.binary.path`
//! in Zed's settings, else PATH) and passes `lsp.tactful.settings` / `initialization_options`.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Tactful;

impl zed::Extension for Tactful {
    fn new() -> Self {
        Tactful
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let path = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("tactful"))
            .ok_or_else(|| {
                "tactful not found: install it (`cargo install tactful`) so it is on PATH, or set \
                 lsp.tactful.binary.path in Zed's settings"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["lsp".into(), "--stdio".into()]);
        Ok(zed::Command {
            command: path,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        let settings = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.settings);
        Ok(Some(
            zed::serde_json::json!({ "tactful": settings.unwrap_or_default() }),
        ))
    }
}

zed::register_extension!(Tactful);
