namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// <c>console add-user NAME [--role operator|supervisor|admin] [--data DIR]</c>: adds an operator to console.db (or
/// changes the password and role of one, and unlocks it), e.g. the first admin. The password comes from the
/// environment variable <c>CONSOLE_PASSWORD</c> or else the first line of standard input, never from the command line
/// (it would stay in the shell's history and the process list).
/// </summary>
public static class ConsoleCommand
{
    public const string PasswordVariable = "CONSOLE_PASSWORD";

    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        const string usage = "usage: console add-user NAME [--role operator|supervisor|admin] [--data DIR]   (password from $CONSOLE_PASSWORD or stdin)";
        if (args.Length < 3 || args[1] != "add-user")
        {
            error.WriteLine(usage);
            return 2;
        }

        var name = args[2].Trim().ToLowerInvariant();
        var role = ConsoleUsers.Operator;
        var data = "./data";
        for (var i = 3; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                error.WriteLine($"{args[i]} needs a value; {usage}");
                return 2;
            }

            switch (args[i])
            {
                case "--role": role = args[++i]; break;
                case "--data": data = args[++i]; break;
                default: error.WriteLine($"unknown option {args[i]}; {usage}"); return 2;
            }
        }

        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            password = input.ReadLine();
        }

        var problem = ConsoleUsers.Problem(name, role, password);
        if (problem is not null)
        {
            error.WriteLine(problem);
            return 2;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var database = ConsoleDatabase.Open(data, now);
        new ConsoleUsers(database, new ConsoleOptions()).Upsert(name, role, password!, "console-command", now);
        output.WriteLine($"console user {name} ({role}) written to {Path.Combine(data, ConsoleDatabase.FileName)}");
        return 0;
    }
}
