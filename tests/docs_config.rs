//! docs/configuration.md's table of the config file's keys is written by hand, with
//! more to say than a field name. This keeps it true to what the config file takes,
//! both ways: a key added to a profile is documented, and a documented key is read.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use veriff_tui::config::{ConfigFile, InboxSection, Profile};
use veriff_tui::inbox::View;

const GUIDE: &str = include_str!("../docs/configuration.md");

/// What a derived `Deserialize` of a struct said when asked for it: its fields.
#[derive(Debug)]
struct Fields(Vec<&'static str>);

impl std::fmt::Display for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Fields {}

impl de::Error for Fields {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Fields(Vec::new())
    }
}

/// A deserializer that answers a struct's request with its field names, and
/// anything else with nothing.
struct FieldNames;

impl<'de> Deserializer<'de> for FieldNames {
    type Error = Fields;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
        Err(Fields(Vec::new()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fields> {
        Err(Fields(fields.to_vec()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// The keys a config file section (a struct read with `#[derive(Deserialize)]`) takes.
fn keys_of<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let fields = match T::deserialize(FieldNames) {
        Err(Fields(fields)) => fields,
        Ok(_) => Vec::new(),
    };
    assert!(!fields.is_empty(), "{} is read as a struct", std::any::type_name::<T>());
    fields
}

/// The rows of the guide's `| key | where | what |` table: each key written in
/// the first column, with the second column (where it goes).
fn documented() -> Vec<(String, String)> {
    let table = GUIDE
        .split("| key | where | what |")
        .nth(1)
        .expect("docs/configuration.md has its table of the config file's keys");
    table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .flat_map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            let place = cells.get(2).copied().unwrap_or_default().trim().to_owned();
            cells
                .get(1)
                .copied()
                .unwrap_or_default()
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|key| (key.to_owned(), place.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Where each section's keys go, as the table's second column writes it.
const PROFILE: &str = "`[profiles.NAME]`";
const VIEW: &str = "`[[inbox.views]]`";
const TOP: &str = "top level";

#[test]
fn the_configuration_guide_documents_every_key_of_the_config_file() {
    let rows = documented();
    let has = |key: &str, place: &str| rows.iter().any(|(k, p)| k == key && p == place);
    let mut missing = Vec::new();
    for key in keys_of::<Profile>() {
        if !has(key, PROFILE) {
            missing.push(format!("{key} in {PROFILE}"));
        }
    }
    for key in keys_of::<View>() {
        if !has(key, VIEW) {
            missing.push(format!("{key} in {VIEW}"));
        }
    }
    // A top-level key is a row of its own, or the table (section) a row goes in.
    for key in keys_of::<ConfigFile>() {
        let section = rows.iter().any(|(_, place)| place.contains(&format!("[{key}")));
        if !has(key, TOP) && !section {
            missing.push(format!("{key} at the top level"));
        }
    }
    for key in keys_of::<InboxSection>() {
        if !rows.iter().any(|(_, place)| place.contains(&format!("[inbox.{key}]"))) {
            missing.push(format!("[inbox] {key}"));
        }
    }
    assert!(
        missing.is_empty(),
        "the config file takes keys docs/configuration.md's table does not list: {missing:?}"
    );
}

#[test]
fn every_key_the_configuration_guide_lists_is_read() {
    let profile = keys_of::<Profile>();
    let view = keys_of::<View>();
    let top = keys_of::<ConfigFile>();
    let unread: Vec<String> = documented()
        .into_iter()
        .filter(|(key, place)| match place.as_str() {
            PROFILE => !profile.contains(&key.as_str()),
            VIEW => !view.contains(&key.as_str()),
            TOP => !top.contains(&key.as_str()),
            // `[keys]` names actions, which the keymap's own test checks.
            keys if keys.contains("[keys]") => key != "ACTION = [KEYS]",
            _ => true,
        })
        .map(|(key, place)| format!("{key} ({place})"))
        .collect();
    assert!(
        unread.is_empty(),
        "docs/configuration.md lists keys the config file does not take: {unread:?}"
    );
}
