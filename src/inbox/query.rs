//! `inbox list` queries: free text plus `field:value` terms, turned into SQL that both
//! SQLite and PostgreSQL run (text search is the one clause that differs).

use std::fmt;

/// A parsed query. Terms of different fields all hold (AND); `status:a,b` is either.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub words: Vec<String>,
    pub statuses: Vec<String>,
    pub code: Option<i64>,
    pub reason_code: Option<i64>,
    /// Sessions active in the last so many milliseconds (`since:24h`).
    pub since_ms: Option<i64>,
    /// Sessions not active for so many milliseconds (`before:1h`).
    pub before_ms: Option<i64>,
    pub vendor_data: Option<String>,
    pub end_user_id: Option<String>,
    pub name: Option<String>,
    pub document_number: Option<String>,
    pub label: Option<String>,
    pub watchlist: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const FIELDS: &str = "status: code: reason: since: before: vendor: user: name: doc: label: watchlist:";

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut query = Query::default();
        for term in text.split_whitespace() {
            let Some((field, value)) = term.split_once(':').filter(|(f, _)| is_field(f)) else {
                query.words.push(term.to_owned());
                continue;
            };
            if value.is_empty() {
                return Err(QueryError(format!("{field}: needs a value, as in {field}:something")));
            }
            let value = value.to_owned();
            match field {
                "status" => query
                    .statuses
                    .extend(value.split(',').filter(|s| !s.is_empty()).map(str::to_lowercase)),
                "code" => query.code = Some(integer(field, &value)?),
                "reason" => query.reason_code = Some(integer(field, &value)?),
                "since" => query.since_ms = Some(duration_ms(field, &value)?),
                "before" => query.before_ms = Some(duration_ms(field, &value)?),
                "vendor" => query.vendor_data = Some(value),
                "user" => query.end_user_id = Some(value),
                "name" => query.name = Some(value),
                "doc" => query.document_number = Some(value),
                "label" => query.label = Some(value.to_lowercase()),
                "watchlist" => query.watchlist = Some(value.to_lowercase()),
                _ => unreachable!("is_field lists the fields matched here"),
            }
        }
        Ok(query)
    }
}

fn is_field(name: &str) -> bool {
    FIELDS.split_whitespace().any(|f| f.trim_end_matches(':') == name)
}

fn integer(field: &str, value: &str) -> Result<i64, QueryError> {
    value
        .parse()
        .map_err(|_| QueryError(format!("{field}:{value}: {field}: takes a number")))
}

/// `30m`, `24h`, `7d`, `2w`.
fn duration_ms(field: &str, value: &str) -> Result<i64, QueryError> {
    let bad = || {
        QueryError(format!(
            "{field}:{value}: write a number and m, h, d or w, as in {field}:24h"
        ))
    };
    let unit = value.chars().last().ok_or_else(bad)?;
    let amount: i64 = value[..value.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
    let per = match unit {
        'm' => 60_000,
        'h' => 3_600_000,
        'd' => 86_400_000,
        'w' => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    amount.checked_mul(per).filter(|ms| *ms >= 0).ok_or_else(bad)
}

/// A value bound to a query's placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// SQL conditions and their parameters, numbered `$1`... (both databases read `$N`).
#[derive(Debug, Default)]
pub(crate) struct Where {
    pub clauses: Vec<String>,
    pub params: Vec<Param>,
    /// SQLite: matches in a text index, kept apart from the clauses: whether a
    /// text index or an index on sessions leads depends on how many sessions
    /// each matches (see [`Where::reading_text_first`]).
    pub matches: Vec<TextMatch>,
}

/// An FTS5 match: the table, the placeholder of its match expression, and the
/// expression itself (to count its sessions before choosing how to read).
#[derive(Debug, Clone)]
pub(crate) struct TextMatch {
    pub table: &'static str,
    pub param: String,
    pub text: String,
}

impl TextMatch {
    fn among(&self) -> String {
        let TextMatch { table, param, .. } = self;
        format!("+n IN (SELECT rowid FROM {table} WHERE {table} MATCH {param})")
    }
}

impl Where {
    pub fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    fn equals(&mut self, column: &str, value: &Option<String>) {
        if let Some(value) = value {
            let p = self.bind(Param::Text(value.clone()));
            self.clauses.push(format!("{column} = {p}"));
        }
    }

    fn text_match(&mut self, table: &'static str, text: String) {
        let param = self.bind(Param::Text(text.clone()));
        self.matches.push(TextMatch { table, param, text });
    }

    /// `FROM sessions WHERE ...`: rows read through an index on sessions (newest
    /// first, or by status), each text match checked against the list of its
    /// sessions, built once. Quick when the text matches many sessions (the first
    /// page is near); SQLite's planner would rather read each match's row and
    /// sort them all, a second for a common word, so `+n` keeps it from that.
    pub fn reading_sessions(&self) -> String {
        let mut clauses = self.clauses.clone();
        clauses.extend(self.matches.iter().map(TextMatch::among));
        format!("FROM sessions {}", where_sql(&clauses))
    }

    /// The same rows, read from text match `lead` first (CROSS JOIN fixes the
    /// order): quick when it matches few sessions, where reading sessions
    /// newest first would walk all of them to find one.
    pub fn reading_text_first(&self, lead: usize) -> String {
        let Some(TextMatch { table, param, .. }) = self.matches.get(lead) else {
            return self.reading_sessions();
        };
        let mut clauses = self.clauses.clone();
        let others = self.matches.iter().enumerate().filter(|(i, _)| *i != lead);
        clauses.extend(others.map(|(_, m)| m.among()));
        format!(
            "FROM (SELECT rowid AS hit FROM {table} WHERE {table} MATCH {param}) AS hits \
             CROSS JOIN sessions ON sessions.n = hits.hit {}",
            where_sql(&clauses)
        )
    }
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

/// A quoted FTS5 string: the user's text is never FTS syntax.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// `%text%` for LIKE, with LIKE's own characters taken literally (`ESCAPE '\'`).
fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Query {
    pub(crate) fn conditions(&self, postgres: bool, now_ms: i64) -> Where {
        let mut w = Where::default();
        if !self.statuses.is_empty() {
            let ps: Vec<String> = self.statuses.iter().map(|s| w.bind(Param::Text(s.clone()))).collect();
            w.clauses.push(format!("status IN ({})", ps.join(", ")));
        }
        if let Some(code) = self.code {
            let p = w.bind(Param::Int(code));
            w.clauses.push(format!("code = {p}"));
        }
        if let Some(code) = self.reason_code {
            let p = w.bind(Param::Int(code));
            w.clauses.push(format!("reason_code = {p}"));
        }
        if let Some(ms) = self.since_ms {
            let p = w.bind(Param::Int(now_ms - ms));
            w.clauses.push(format!("updated_ms >= {p}"));
        }
        if let Some(ms) = self.before_ms {
            let p = w.bind(Param::Int(now_ms - ms));
            w.clauses.push(format!("updated_ms <= {p}"));
        }
        w.equals("vendor_data", &self.vendor_data);
        w.equals("end_user_id", &self.end_user_id);
        w.equals("document_number", &self.document_number);
        w.equals("watchlist_status", &self.watchlist);
        if let Some(name) = &self.name {
            let key = name.to_uppercase();
            if !postgres && key.chars().count() >= 3 {
                // Its trigrams, one after the other: exactly the names holding it.
                w.text_match("names_fts", fts_string(&key));
            } else {
                // PostgreSQL answers this from its trigram index (pg_trgm).
                let p = w.bind(Param::Text(contains_pattern(&key)));
                w.clauses.push(format!("name_key LIKE {p} ESCAPE '\\'"));
            }
        }
        if let Some(label) = &self.label {
            let p = w.bind(Param::Text(contains_pattern(&format!(",{label},"))));
            w.clauses.push(format!("risk_labels LIKE {p} ESCAPE '\\'"));
        }
        if !self.words.is_empty() {
            if postgres {
                let p = w.bind(Param::Text(self.words.join(" ")));
                w.clauses.push(format!("words @@ plainto_tsquery('simple', {p})"));
            } else {
                let strings: Vec<String> = self.words.iter().map(|word| fts_string(word)).collect();
                w.text_match("sessions_fts", strings.join(" "));
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_words_are_told_apart() {
        let q =
            Query::parse("SPECIMEN status:review,resubmission_requested since:24h code:9102 reason:102 x:y").unwrap();
        assert_eq!(q.words, ["SPECIMEN", "x:y"]);
        assert_eq!(q.statuses, ["review", "resubmission_requested"]);
        assert_eq!(q.since_ms, Some(86_400_000));
        assert_eq!((q.code, q.reason_code), (Some(9102), Some(102)));
    }

    #[test]
    fn bad_values_say_how_to_write_them() {
        assert!(Query::parse("since:yesterday").unwrap_err().0.contains("since:24h"));
        assert!(Query::parse("code:abc").unwrap_err().0.contains("number"));
        assert!(Query::parse("status:").unwrap_err().0.contains("needs a value"));
    }
}
