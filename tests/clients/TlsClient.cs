// TlsClient.cs - a .NET client: SslStream with the platform's chain
// validation (system store and the user's root store).  Prints
// "accepted" or "rejected: why".
using System;
using System.Net.Security;
using System.Net.Sockets;

class TlsClient {
	static int Main(string[] args) {
		string name = args[0];
		int port = int.Parse(args[1]);
		try {
			using var tcp = new TcpClient("127.0.0.1", port);
			using var ssl = new SslStream(tcp.GetStream(), false);
			ssl.ReadTimeout = 10000;
			ssl.AuthenticateAsClient(name);
			Console.WriteLine("accepted");
			return 0;
		} catch (Exception e) {
			Console.WriteLine("rejected: " + e.Message);
			return 1;
		}
	}
}
