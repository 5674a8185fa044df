//! `inbox list` queries: free text plus `field:value` terms, turned into SQL that both
//! SQLite and PostgreSQL run (text search is the one clause that differs). Every
//! term is described once, in [`TERMS`]: the parser, the CLI's help, the table in
//! docs/inbox.md (a test keeps it in step) and the query-plan test all read it.

use std::fmt;

/// A parsed query. Terms of different fields all hold (AND); `status:a,b` is either.
/// A single-value term given twice keeps the later one: `/` text added after a
/// view's query replaces the view's own term.
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
    pub vendor_data: Option<Exact>,
    pub end_user_id: Option<Exact>,
    pub name: Option<String>,
    pub document_number: Option<Exact>,
    pub label: Option<String>,
    pub watchlist: Option<String>,
    pub claimed: Option<Claimed>,
    pub tag: Option<TagTerm>,
    pub note: Option<String>,
    pub order: Order,
    /// `in:view`: the browser's search keeps the view's own query.
    pub in_view: bool,
    /// Who `claimed:me` is: set by the caller (the store's login on PostgreSQL,
    /// `user@host` on SQLite); unset, `claimed:me` finds nothing.
    pub me: Option<String>,
}

/// A value matched whole, or as a prefix (`vendor:ORDER-58*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exact {
    Is(String),
    StartsWith(String),
}

impl Exact {
    fn parse(value: &str) -> Exact {
        match value.strip_suffix('*') {
            Some(prefix) => Exact::StartsWith(prefix.to_owned()),
            None => Exact::Is(value.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    Me,
    Nobody,
    By(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagTerm {
    Is(String),
    /// Not tagged `done`: untagged, or tagged anything else.
    Open,
    Untagged,
}

/// How rows are ordered; `sort:` in a query, a key in the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest activity first.
    #[default]
    Newest,
    /// Oldest activity first: the session waiting longest, as a queue with a
    /// service level is worked.
    Oldest,
    /// By status (a to z), newest first within one.
    Status,
    /// By name (a to z), newest first within one.
    Name,
}

impl Order {
    pub const ALL: [Order; 4] = [Order::Newest, Order::Oldest, Order::Status, Order::Name];

    /// Its `sort:` value.
    pub fn name(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Oldest => "oldest",
            Order::Status => "status",
            Order::Name => "name",
        }
    }

    /// What a title says of it.
    pub fn said(self) -> &'static str {
        match self {
            Order::Newest => "newest activity first",
            Order::Oldest => "oldest waiting first",
            Order::Status => "by status",
            Order::Name => "by name",
        }
    }

    /// The next order (the browser's sort key walks them).
    pub fn next(self) -> Order {
        let i = Order::ALL.iter().position(|o| *o == self).unwrap_or(0);
        Order::ALL[(i + 1) % Order::ALL.len()]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One `field:value` term: what it is called, an example, what it finds, how it
/// is matched (docs/inbox.md's table), and what it sets in a [`Query`].
pub struct Term {
    pub name: &'static str,
    pub example: &'static str,
    pub help: &'static str,
    pub matches: &'static str,
    set: fn(&mut Query, &str) -> Result<(), QueryError>,
}

/// Every term a query knows, in the order the help lists them.
pub const TERMS: &[Term] = &[
    Term {
        name: "status",
        example: "status:declined,resubmission_requested",
        help: "the session's status, one of a list",
        matches: "whole, any of the list",
        set: |q, v| {
            q.statuses
                .extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_lowercase));
            Ok(())
        },
    },
    Term {
        name: "code",
        example: "code:9102",
        help: "the decision's code",
        matches: "a number",
        set: |q, v| integer("code", v).map(|n| q.code = Some(n)),
    },
    Term {
        name: "reason",
        example: "reason:102",
        help: "the decision's reason code",
        matches: "a number",
        set: |q, v| integer("reason", v).map(|n| q.reason_code = Some(n)),
    },
    Term {
        name: "since",
        example: "since:24h",
        help: "active in the last 30m, 24h, 7d, 2w",
        matches: "a duration",
        set: |q, v| duration_ms("since", v).map(|ms| q.since_ms = Some(ms)),
    },
    Term {
        name: "before",
        example: "before:1h",
        help: "not active for 30m, 1h, 7d, 2w",
        matches: "a duration",
        set: |q, v| duration_ms("before", v).map(|ms| q.before_ms = Some(ms)),
    },
    Term {
        name: "vendor",
        example: "vendor:ORDER-58*",
        help: "the session's vendorData",
        matches: "whole; ending in * a prefix",
        set: |q, v| {
            q.vendor_data = Some(Exact::parse(v));
            Ok(())
        },
    },
    Term {
        name: "user",
        example: "user:crm-0000101",
        help: "the session's endUserId",
        matches: "whole; ending in * a prefix",
        set: |q, v| {
            q.end_user_id = Some(Exact::parse(v));
            Ok(())
        },
    },
    Term {
        name: "name",
        example: "name:tamm",
        help: "the person's name",
        matches: "any part, any case",
        set: |q, v| {
            q.name = Some(v.to_owned());
            Ok(())
        },
    },
    Term {
        name: "doc",
        example: "doc:AB123*",
        help: "the document's number",
        matches: "whole; ending in * a prefix",
        set: |q, v| {
            q.document_number = Some(Exact::parse(v));
            Ok(())
        },
    },
    Term {
        name: "label",
        example: "label:document_integrity",
        help: "a risk label",
        matches: "whole label, any case",
        set: |q, v| {
            q.label = Some(v.to_lowercase());
            Ok(())
        },
    },
    Term {
        name: "watchlist",
        example: "watchlist:possible_match",
        help: "the watchlist screening's status",
        matches: "whole, any case",
        set: |q, v| {
            q.watchlist = Some(v.to_lowercase());
            Ok(())
        },
    },
    Term {
        name: "claimed",
        example: "claimed:me",
        help: "claimed by me, by none (nobody), or by a user",
        matches: "me, none or a user's name, whole",
        set: |q, v| {
            q.claimed = Some(match v {
                "me" => Claimed::Me,
                "none" => Claimed::Nobody,
                user => Claimed::By(user.to_owned()),
            });
            Ok(())
        },
    },
    Term {
        name: "tag",
        example: "tag:done",
        help: "the team's tag: done, escalated, waiting; open (not done) or none",
        matches: "a tag's first word",
        set: |q, v| {
            let v = v.to_lowercase();
            q.tag = Some(match v.as_str() {
                "open" => TagTerm::Open,
                "none" => TagTerm::Untagged,
                word => match super::marks::TAGS.iter().find(|t| t.split(' ').next() == Some(word)) {
                    Some(tag) => TagTerm::Is((*tag).to_owned()),
                    None => {
                        return Err(QueryError(format!(
                            "tag:{v}: the tags are done, escalated, waiting; open (not done) and none"
                        )));
                    }
                },
            });
            Ok(())
        },
    },
    Term {
        name: "note",
        example: "note:callback",
        help: "a word in the team's note",
        matches: "any part, any case",
        set: |q, v| {
            q.note = Some(v.to_owned());
            Ok(())
        },
    },
    Term {
        name: "sort",
        example: "sort:oldest",
        help: "the order: newest (activity), oldest (waiting longest), status, name",
        matches: "one of the four",
        set: |q, v| match Order::ALL.into_iter().find(|o| o.name() == v) {
            Some(order) => {
                q.order = order;
                Ok(())
            }
            None => Err(QueryError(format!("sort:{v}: sort by newest, oldest, status or name"))),
        },
    },
    Term {
        name: "in",
        example: "in:view",
        help: "the browser's search keeps the view's own query",
        matches: "view",
        set: |q, v| match v {
            "view" => {
                q.in_view = true;
                Ok(())
            }
            _ => Err(QueryError(format!("in:{v}: only in:view is known"))),
        },
    },
];

/// The terms, as `status: code: ...` (errors and help name them).
pub fn field_names() -> String {
    TERMS
        .iter()
        .map(|t| format!("{}:", t.name))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The CLI's help on queries: one line a term, from [`TERMS`].
pub fn terms_help() -> String {
    let mut help = String::from(
        "Words match the start of any word of a session (id, status, reason, vendorData, endUserId, name, \
         document, labels); 4 or more characters also any part of an id, vendorData or document number.\n\
         Terms:\n",
    );
    for term in TERMS {
        help.push_str(&format!("  {:<40} {}\n", term.example, term.help));
    }
    help
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut query = Query::default();
        for term in text.split_whitespace() {
            let Some((field, value)) = term.split_once(':') else {
                query.words.push(term.to_owned());
                continue;
            };
            let Some(known) = TERMS.iter().find(|t| t.name == field) else {
                // `12:30` or `a:b:c`-like ids stay words; `colour:red` is a mistake.
                if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(QueryError(format!(
                        "{field}: is not a field; the fields are {}",
                        field_names()
                    )));
                }
                query.words.push(term.to_owned());
                continue;
            };
            if value.is_empty() {
                return Err(QueryError(format!("{field}: needs a value, as in {}", known.example)));
            }
            (known.set)(&mut query, value)?;
        }
        Ok(query)
    }
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
    /// The words' matches, kept apart from the clauses: whether they or an
    /// index on sessions lead depends on how many sessions they find (see
    /// [`Reading`]).
    pub matches: Vec<TextMatch>,
}

/// Sessions a word finds.
#[derive(Debug, Clone)]
pub(crate) enum TextMatch {
    /// SQLite: sessions found in text indexes: any of its alternatives (a
    /// table, the placeholder of its match expression, the expression itself,
    /// to count its sessions before choosing how to read).
    Indexed(Vec<(&'static str, String, String)>),
    /// PostgreSQL: a condition on the session's own columns (its words, id,
    /// vendorData, document number), each read from a GIN index.
    Columns(String),
}

/// SQLite: the rowids text indexes match (any of `alternatives`), with the
/// placeholders given.
pub(crate) fn rowids(alternatives: &[(&'static str, String, String)], params: &[String]) -> String {
    alternatives
        .iter()
        .zip(params)
        .map(|((table, _, _), p)| format!("SELECT rowid AS hit FROM {table} WHERE {table} MATCH {p}"))
        .collect::<Vec<_>>()
        .join(" UNION ")
}

impl TextMatch {
    /// The condition on a session read through another index.
    fn among(&self) -> String {
        match self {
            TextMatch::Indexed(alternatives) => format!("+n IN ({})", own_rowids(alternatives)),
            TextMatch::Columns(condition) => condition.clone(),
        }
    }
}

/// SQLite: [`rowids`] with the match's own placeholders.
fn own_rowids(alternatives: &[(&'static str, String, String)]) -> String {
    let params: Vec<String> = alternatives.iter().map(|(_, p, _)| p.clone()).collect();
    rowids(alternatives, &params)
}

/// How a page's sessions are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reading {
    /// Through an index on sessions in the page's order, each checked against
    /// the words: quick when they match many sessions (the first page is near).
    Sessions,
    /// What the words find first, then sorted: quick when they match few,
    /// where reading sessions in order would walk all of them to find one.
    /// SQLite reads the text match given (the rarest); PostgreSQL every
    /// word's, which its planner combines from their indexes.
    WordsFirst(usize),
    /// PostgreSQL: as [`Reading::Sessions`], but only the first this many
    /// sessions in the page's order are checked against the words.
    Window(i64),
}

impl Where {
    pub fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// `column = value`, or for a prefix a range an index reads (SQLite) or a
    /// `LIKE` its trigram index reads (PostgreSQL, where a range would follow
    /// the database's collation).
    fn exact(&mut self, column: &str, value: &Option<Exact>, postgres: bool) {
        match value {
            None => {}
            Some(Exact::Is(value)) => {
                let p = self.bind(Param::Text(value.clone()));
                self.clauses.push(format!("{column} = {p}"));
            }
            Some(Exact::StartsWith(prefix)) if postgres => {
                let escaped = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let p = self.bind(Param::Text(format!("{escaped}%")));
                self.clauses.push(format!("{column} LIKE {p} ESCAPE '\\'"));
            }
            Some(Exact::StartsWith(prefix)) => {
                let from = self.bind(Param::Text(prefix.clone()));
                let to = self.bind(Param::Text(format!("{prefix}\u{10FFFF}")));
                self.clauses.push(format!("{column} >= {from} AND {column} < {to}"));
            }
        }
    }

    fn equals(&mut self, column: &str, value: &Option<String>) {
        if let Some(value) = value {
            let p = self.bind(Param::Text(value.clone()));
            self.clauses.push(format!("{column} = {p}"));
        }
    }

    fn text_match(&mut self, alternatives: Vec<(&'static str, String)>) {
        let alternatives = alternatives
            .into_iter()
            .map(|(table, text)| (table, self.bind(Param::Text(text.clone())), text))
            .collect();
        self.matches.push(TextMatch::Indexed(alternatives));
    }

    /// `FROM sessions WHERE ...`: rows read through an index on sessions (newest
    /// first, or by status), each text match checked. SQLite checks against the
    /// list of a match's sessions, built once: its planner would rather read
    /// each match's row and sort them all, a second for a common word, so `+n`
    /// keeps it from that.
    pub fn reading_sessions(&self) -> String {
        let mut clauses = self.clauses.clone();
        clauses.extend(self.matches.iter().map(TextMatch::among));
        format!("FROM sessions {}", where_sql(&clauses))
    }

    /// `FROM ...` as `reading` says; `order` is the page's `ORDER BY` (a window
    /// is the first sessions in it) and `rows` the placeholder of the window's size.
    pub fn reading(&self, reading: Reading, order: &str, rows: &str) -> String {
        match reading {
            Reading::Sessions => self.reading_sessions(),
            Reading::WordsFirst(lead) => self.reading_words_first(lead),
            Reading::Window(_) => {
                let words: Vec<String> = self.matches.iter().map(TextMatch::among).collect();
                format!(
                    "FROM (SELECT * FROM sessions {} ORDER BY {order} LIMIT {rows}) AS sessions {}",
                    where_sql(&self.clauses),
                    where_sql(&words)
                )
            }
        }
    }

    fn reading_words_first(&self, lead: usize) -> String {
        let alternatives = match self.matches.get(lead) {
            None => return self.reading_sessions(),
            Some(TextMatch::Indexed(alternatives)) => alternatives,
            Some(TextMatch::Columns(_)) => {
                // PostgreSQL: every matching session gathered at once, then
                // sorted. `OFFSET 0` keeps the planner from merging this into
                // the outer `ORDER BY ... LIMIT` and walking the sessions in
                // order again: planned for all its rows, it reads the words'
                // GIN indexes (a BitmapOr, a BitmapAnd for several words).
                let mut clauses: Vec<String> = self.matches.iter().map(TextMatch::among).collect();
                clauses.extend(self.clauses.iter().cloned());
                return format!(
                    "FROM (SELECT * FROM sessions {} OFFSET 0) AS sessions",
                    where_sql(&clauses)
                );
            }
        };
        // SQLite: CROSS JOIN fixes the order, the text match first.
        let mut clauses = self.clauses.clone();
        let others = self.matches.iter().enumerate().filter(|(i, _)| *i != lead);
        clauses.extend(others.map(|(_, m)| m.among()));
        format!(
            "FROM ({}) AS hits CROSS JOIN sessions ON sessions.n = hits.hit {}",
            own_rowids(alternatives),
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

/// PostgreSQL: the tsquery of the quoted word `p` with only its last piece a
/// prefix. `to_tsquery` makes every piece one (`ticket-77` is `'ticket':* <->
/// '-77':*`), and the GIN index gathers a common first piece whole before it
/// reads the rest: every `ticket-N` of a million, 60 ms. A piece typed before a
/// separator is complete; the last, and a compound ending with it (`mari-li`
/// is `'mari-li':* <-> 'mari' <-> 'li':*`), stay prefixes. Immutable, so the
/// planner folds it to a constant.
fn last_piece_a_prefix(p: &str) -> String {
    format!(
        "CAST(regexp_replace(CAST(to_tsquery('simple', {p}) AS TEXT), \
         '''([[:alnum:]]+)'':\\*(?=.*:\\*)', '''\\1''', 'g') AS tsquery)"
    )
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

/// A word this long or longer is also found inside an id, a vendorData or a
/// document number (their trigram indexes need 3; 4 keeps a match meaningful).
pub const PART_MIN: usize = 4;

impl Query {
    pub(crate) fn conditions(&self, postgres: bool, now_ms: i64) -> Where {
        let mut w = Where::default();
        // SQLite: with an id, vendorData, user or document given, its index leads;
        // `+` keeps the status index (which also orders) from being chosen instead.
        let narrow = [&self.vendor_data, &self.end_user_id, &self.document_number]
            .iter()
            .any(|e| matches!(e, Some(Exact::Is(_))));
        if !self.statuses.is_empty() {
            let ps: Vec<String> = self.statuses.iter().map(|s| w.bind(Param::Text(s.clone()))).collect();
            let column = if narrow && !postgres { "+status" } else { "status" };
            w.clauses.push(format!("{column} IN ({})", ps.join(", ")));
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
        w.exact("vendor_data", &self.vendor_data, postgres);
        w.exact("end_user_id", &self.end_user_id, postgres);
        w.exact("document_number", &self.document_number, postgres);
        w.equals("watchlist_status", &self.watchlist);
        if let Some(name) = &self.name {
            let key = name.to_uppercase();
            if !postgres && key.chars().count() >= 3 {
                // Its trigrams, one after the other: exactly the names holding it.
                w.text_match(vec![("names_fts", fts_string(&key))]);
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
        // The team's marks: sessions named by the marks table (small, its own indexes).
        let marked = |condition: &str| format!("id IN (SELECT session_id FROM marks WHERE {condition})");
        match &self.claimed {
            None => {}
            Some(Claimed::Nobody) => w
                .clauses
                .push("id NOT IN (SELECT session_id FROM marks WHERE claimed_by IS NOT NULL)".to_owned()),
            Some(who) => {
                let user = match who {
                    Claimed::By(user) => user.clone(),
                    _ => self.me.clone().unwrap_or_default(),
                };
                let p = w.bind(Param::Text(user));
                w.clauses.push(marked(&format!("claimed_by = {p}")));
            }
        }
        match &self.tag {
            None => {}
            Some(TagTerm::Is(tag)) => {
                let p = w.bind(Param::Text(tag.clone()));
                w.clauses.push(marked(&format!("tag = {p}")));
            }
            Some(TagTerm::Open) => w
                .clauses
                .push("id NOT IN (SELECT session_id FROM marks WHERE tag = 'done')".to_owned()),
            Some(TagTerm::Untagged) => w
                .clauses
                .push("id NOT IN (SELECT session_id FROM marks WHERE tag IS NOT NULL)".to_owned()),
        }
        if let Some(note) = &self.note {
            let p = w.bind(Param::Text(contains_pattern(&note.to_lowercase())));
            w.clauses.push(marked(&format!("lower(note) LIKE {p} ESCAPE '\\'")));
        }
        if !self.words.is_empty() {
            self.word_conditions(&mut w, postgres);
        }
        w
    }

    /// Every word starts a word of the session; a long one may instead be part
    /// of its id, vendorData or document number.
    fn word_conditions(&self, w: &mut Where, postgres: bool) {
        let long = |word: &str| word.chars().count() >= PART_MIN;
        if postgres {
            for word in &self.words {
                // The word quoted as a prefix (`'mar':*`): the user's text is never
                // tsquery syntax, and PostgreSQL splits it as it split the indexed
                // text. A parameter, not a subquery: the planner sees the value and
                // reads a rare word from the index (50 ms for one ticket in a
                // million, 1.3 s when it could not tell and walked the newest).
                let quoted = format!("'{}':*", word.replace('\\', "\\\\").replace('\'', "''"));
                let p = w.bind(Param::Text(quoted));
                let prefix = format!("words @@ {}", last_piece_a_prefix(&p));
                let condition = if long(word.as_str()) {
                    let part = w.bind(Param::Text(contains_pattern(word)));
                    format!(
                        "({prefix} OR id ILIKE {part} ESCAPE '\\' OR vendor_data ILIKE {part} ESCAPE '\\' \
                         OR document_number ILIKE {part} ESCAPE '\\')"
                    )
                } else {
                    prefix
                };
                w.matches.push(TextMatch::Columns(condition));
            }
            return;
        }
        let prefix = |word: &str| format!("{}*", fts_string(word));
        let short: Vec<String> = self
            .words
            .iter()
            .filter(|word| !long(word.as_str()))
            .map(|word| prefix(word.as_str()))
            .collect();
        if !short.is_empty() {
            w.text_match(vec![("sessions_fts", short.join(" "))]);
        }
        for word in self.words.iter().filter(|word| long(word.as_str())) {
            w.text_match(vec![("sessions_fts", prefix(word)), ("parts_fts", fts_string(word))]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_words_are_told_apart() {
        let q =
            Query::parse("SPECIMEN status:review,resubmission_requested since:24h code:9102 reason:102 12:30").unwrap();
        assert_eq!(q.words, ["SPECIMEN", "12:30"]);
        assert_eq!(q.statuses, ["review", "resubmission_requested"]);
        assert_eq!(q.since_ms, Some(86_400_000));
        assert_eq!((q.code, q.reason_code), (Some(9102), Some(102)));
    }

    #[test]
    fn bad_values_say_how_to_write_them() {
        assert!(Query::parse("since:yesterday").unwrap_err().0.contains("since:24h"));
        assert!(Query::parse("code:abc").unwrap_err().0.contains("number"));
        assert!(Query::parse("status:").unwrap_err().0.contains("needs a value"));
        assert!(Query::parse("tag:urgent").unwrap_err().0.contains("escalated"));
        assert!(Query::parse("sort:age").unwrap_err().0.contains("oldest"));
    }

    #[test]
    fn an_unknown_field_names_the_fields() {
        let e = Query::parse("colour:red").unwrap_err().0;
        assert!(e.starts_with("colour: is not a field"), "{e}");
        for term in TERMS {
            assert!(e.contains(&format!("{}:", term.name)), "{e}");
        }
    }

    /// The inbox guide's table of terms, as [`TERMS`] says it.
    fn table() -> Vec<String> {
        TERMS
            .iter()
            .map(|t| format!("| `{}:` | `{}` | {} | {} |", t.name, t.example, t.help, t.matches))
            .collect()
    }

    #[test]
    fn the_inbox_guides_query_table_is_the_terms_table() {
        let guide = include_str!("../../docs/inbox.md");
        let written: Vec<&str> = guide
            .split("| term | example | finds | how it matches |")
            .nth(1)
            .expect("docs/inbox.md has its query table")
            .lines()
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .collect();
        let expected = table();
        assert_eq!(
            written,
            expected,
            "docs/inbox.md's table should be:\n{}",
            expected.join("\n")
        );
    }

    /// Every term's example parses, and sets something a plain query does not.
    #[test]
    fn every_example_parses_to_a_term() {
        for term in TERMS {
            let q = Query::parse(term.example).unwrap_or_else(|e| panic!("{}: {e}", term.example));
            assert_ne!(q, Query::default(), "{}", term.example);
            assert!(q.words.is_empty(), "{}", term.example);
        }
    }
}
