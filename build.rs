// The inbox's migrations are embedded by `sqlx::migrate!`: a new or changed SQL
// file must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=src/inbox/migrations");
}
