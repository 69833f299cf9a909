// Client.java - TLS handshakes with JSSE, one per scenario, in one JVM.
//
// Usage: java Client TARGETS OUTDIR
// TARGETS has one "SCENARIO PORT NAME DIR" per line; for each, a PKIX
// trust manager over a trust store holding DIR/anchors.pem only, HTTPS
// endpoint identification on, a handshake with 127.0.0.1:PORT for NAME;
// OUTDIR/SCENARIO gets "accept" or "reject", then the messages of the
// exception and its causes.
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Client {
	static String attempt(String port, String name, String dir)
	    throws Exception {
		KeyStore ks = KeyStore.getInstance("PKCS12");
		ks.load(null, null);
		CertificateFactory cf =
		    CertificateFactory.getInstance("X.509");
		int n = 0;
		try (InputStream in =
		    new FileInputStream(dir + "/anchors.pem")) {
			for (Certificate c : cf.generateCertificates(in))
				ks.setCertificateEntry("anchor" + n++, c);
		}
		TrustManagerFactory tmf =
		    TrustManagerFactory.getInstance("PKIX");
		tmf.init(ks);
		SSLContext ctx = SSLContext.getInstance("TLS");
		ctx.init(null, tmf.getTrustManagers(), null);
		Socket s = new Socket();
		s.connect(new InetSocketAddress("127.0.0.1",
		    Integer.parseInt(port)), 20000);
		s.setSoTimeout(20000);
		try (SSLSocket ss = (SSLSocket)ctx.getSocketFactory()
		    .createSocket(s, name, Integer.parseInt(port), true)) {
			SSLParameters p = ss.getSSLParameters();
			p.setEndpointIdentificationAlgorithm("HTTPS");
			if (!name.contains(":") && !name.matches("[0-9.]+"))
				p.setServerNames(
				    List.of(new SNIHostName(name)));
			ss.setSSLParameters(p);
			ss.startHandshake();
		}
		return "accept\nok\n";
	}

	public static void main(String[] args) throws Exception {
		for (String line : Files.readAllLines(Path.of(args[0]))) {
			String[] w = line.trim().split("\\s+");
			if (w.length != 4)
				continue;
			String out;
			try {
				out = attempt(w[1], w[2], w[3]);
			} catch (Exception e) {
				StringBuilder b = new StringBuilder();
				for (Throwable t = e; t != null;
				    t = t.getCause())
					b.append(b.length() > 0 ? " / " : "")
					    .append(t.getMessage());
				out = "reject\n" +
				    b.toString().replace('\n', ' ') + "\n";
			}
			Files.write(Path.of(args[1], w[0]),
			    out.getBytes(StandardCharsets.UTF_8));
		}
	}
}
