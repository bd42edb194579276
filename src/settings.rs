//! What the program remembers between runs (today: the interface scale a presenter chose), in
//! `$XDG_CONFIG_HOME/hidden-layers/settings.json` (or `~/.config/...`). Written atomically,
//! and only when something changed; an unreadable file is reported and left alone.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The user's interface scale on top of the one fitted to the window (1 = fitted).
    pub ui_scale: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { ui_scale: 1.0 }
    }
}

/// The range Ctrl +/- may reach.
pub const UI_SCALE: std::ops::RangeInclusive<f32> = 0.4..=4.0;

#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("could not read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a settings file: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("could not write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Where the settings live; `None` when neither XDG_CONFIG_HOME nor HOME is set.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("hidden-layers").join("settings.json"))
}

impl Settings {
    /// The saved settings; defaults when there are none yet.
    pub fn load_from(path: &std::path::Path) -> Result<Settings, SettingsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => return Err(SettingsError::Read { path: path.into(), source }),
        };
        let mut s: Settings =
            serde_json::from_str(&text).map_err(|source| SettingsError::Parse { path: path.into(), source })?;
        if !s.ui_scale.is_finite() {
            s.ui_scale = 1.0;
        }
        s.ui_scale = s.ui_scale.clamp(*UI_SCALE.start(), *UI_SCALE.end());
        Ok(s)
    }

    pub fn save_to(&self, path: &std::path::Path) -> Result<(), SettingsError> {
        let err = |source| SettingsError::Write { path: path.into(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| err(std::io::Error::other(e)))?;
        crate::render::image::write_atomic(path, text.as_bytes()).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_defaults_and_bad_files() {
        let dir = std::env::temp_dir().join(format!("hl-settings-{}", std::process::id()));
        let path = dir.join("hidden-layers").join("settings.json");
        assert_eq!(Settings::load_from(&path).unwrap(), Settings::default(), "no file yet");
        Settings { ui_scale: 1.5 }.save_to(&path).unwrap();
        assert_eq!(Settings::load_from(&path).unwrap().ui_scale, 1.5);
        std::fs::write(&path, "{\"ui_scale\": 99}").unwrap();
        assert_eq!(Settings::load_from(&path).unwrap().ui_scale, 4.0, "clamped");
        std::fs::write(&path, "{\"future_key\": 1}").unwrap();
        assert_eq!(Settings::load_from(&path).unwrap(), Settings::default(), "unknown keys are ignored");
        std::fs::write(&path, "not json").unwrap();
        let e = Settings::load_from(&path).unwrap_err();
        assert!(e.to_string().contains("settings.json"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json", "a bad file is left alone");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
