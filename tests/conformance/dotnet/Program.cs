// Program.cs - one TLS handshake with SslStream, as a .NET client on Linux.
//
// Usage: client PORT NAME
// Connects to 127.0.0.1:PORT, asks for NAME, and prints "accept" or
// "reject", then the SslPolicyErrors and the X509ChainStatus flags.  The
// trust is the process's system store (SSL_CERT_FILE, SSL_CERT_DIR and the
// user store under HOME); revocation is not checked, as SslStream's
// default.  Exit 0 when accepted, 1 when rejected, 3 when no handshake.
using System;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

static class Program
{
	static int Main(string[] args)
	{
		string errors = null, status = "";
		int port = int.Parse(args[0]);
		string name = args[1];

		try {
			using var tcp = new TcpClient();
			tcp.ReceiveTimeout = 30000;
			tcp.SendTimeout = 30000;
			tcp.Connect("127.0.0.1", port);
			using var ssl = new SslStream(tcp.GetStream(), false,
			    (sender, cert, chain, e) => {
				errors = e.ToString();
				if (chain != null)
					status = string.Join(",",
					    chain.ChainStatus.Select(
					    s => s.Status.ToString())
					    .Distinct());
				return e == SslPolicyErrors.None;
			});
			ssl.AuthenticateAsClient(name);
		} catch (Exception ex) {
			if (errors == null) {
				Console.WriteLine("error");
				Console.WriteLine(
				    ex.GetBaseException().Message);
				return 3;
			}
		}
		Console.WriteLine(errors == "None" ? "accept" : "reject");
		Console.WriteLine(errors +
		    (status == "" ? "" : ": " + status));
		return errors == "None" ? 0 : 1;
	}
}
