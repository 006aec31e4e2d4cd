import Supervisor
#if canImport(Glibc)
import Glibc
#endif

let (status, output, error) = SupervisorCLI.run(Array(CommandLine.arguments.dropFirst()))
_ = output.withCString { write(1, $0, strlen($0)) }
_ = error.withCString { write(2, $0, strlen($0)) }
exit(status)
