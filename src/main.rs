fn main() -> std::process::ExitCode {
    hidden_layers::cli::main()
}
