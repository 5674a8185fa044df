//! The `[keys]` table of `config.toml`, read as text: which actions and keys exist
//! is the browser's to say (`tui::keymap`), which checks them at start-up.
//!
//! ```toml
//! [keys]
//! quit = ["q", "ctrl-c"]      # in every mode that has the action
//! [keys.help]
//! down = ["j", "n"]           # in one mode
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyOverrides {
    /// `action = [keys]` at the top of `[keys]`.
    pub all_modes: BTreeMap<String, Vec<String>>,
    /// `[keys.MODE]` tables.
    pub per_mode: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl KeyOverrides {
    pub fn is_empty(&self) -> bool {
        self.all_modes.is_empty() && self.per_mode.is_empty()
    }

    /// From the `[keys]` value of a parsed file.
    pub fn from_table(value: &toml::Value) -> Result<KeyOverrides, String> {
        let table = value.as_table().ok_or("[keys] must be a table")?;
        let keys = |name: &str, value: &toml::Value| -> Result<Vec<String>, String> {
            // Said back to a terminal: what the file says is cleaned first.
            let name = crate::text::clean_short(name, 40);
            match value {
                toml::Value::String(key) => Ok(vec![key.clone()]),
                toml::Value::Array(keys) => keys
                    .iter()
                    .map(|k| k.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("[keys] `{name}`: keys are strings, like \"ctrl-c\"")),
                _ => Err(format!("[keys] `{name}`: expected a key or a list of keys")),
            }
        };
        let mut overrides = KeyOverrides::default();
        for (name, value) in table {
            match value {
                toml::Value::Table(mode) => {
                    let mut actions = BTreeMap::new();
                    for (action, value) in mode {
                        actions.insert(action.clone(), keys(action, value)?);
                    }
                    overrides.per_mode.insert(name.clone(), actions);
                }
                value => {
                    overrides.all_modes.insert(name.clone(), keys(name, value)?);
                }
            }
        }
        Ok(overrides)
    }
}

impl<'de> Deserialize<'de> for KeyOverrides {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(de)?;
        KeyOverrides::from_table(&value).map_err(serde::de::Error::custom)
    }
}
