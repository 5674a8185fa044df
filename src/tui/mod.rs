pub async fn run(_sessions: Vec<String>, _global: &crate::cli::GlobalArgs) -> Result<(), String> {
    Err("todo".into())
}
