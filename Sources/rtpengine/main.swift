import Daemon
#if canImport(Glibc)
import Glibc
#endif

exit(Daemon.run(arguments: Array(CommandLine.arguments.dropFirst())))
