// TlsClient.java - a Java client: JSSE with HTTPS endpoint identification,
// the JRE's default truststore.  Prints "accepted" or "rejected: why".
import java.net.Socket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.List;

public class TlsClient {
	public static void main(String[] args) throws Exception {
		String name = args[0];
		int port = Integer.parseInt(args[1]);
		SSLSocketFactory f = (SSLSocketFactory)SSLSocketFactory.getDefault();
		try (Socket tcp = new Socket("127.0.0.1", port);
		    SSLSocket s = (SSLSocket)f.createSocket(tcp, name, port, true)) {
			SSLParameters p = s.getSSLParameters();
			p.setEndpointIdentificationAlgorithm("HTTPS");
			p.setServerNames(List.of(new SNIHostName(name)));
			s.setSSLParameters(p);
			s.setSoTimeout(10000);
			s.startHandshake();
			System.out.println("accepted");
		} catch (Exception e) {
			System.out.println("rejected: " + e.getMessage());
			System.exit(1);
		}
	}
}
