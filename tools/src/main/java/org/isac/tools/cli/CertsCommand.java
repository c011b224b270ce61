package org.isac.tools.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.isac.controller.tls.LabCertificates;
import org.isac.controller.tls.TlsFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Makes a lab's TLS certificates. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Make the certificates for mutual TLS: a lab CA, the controller's certificate and one per radio",
                "(its common name is the radio id, the only id that radio may claim). In a directory that already",
                "has a CA, it issues the certificates asked for with that CA."})
public final class CertsCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "the lab directory (created)")
    Path dir;

    @Option(names = "--lab", defaultValue = "isac", description = "name in the CA's subject (default: ${DEFAULT-VALUE})")
    String lab;

    @Option(names = "--host", paramLabel = "NAME", split = ",",
            description = "names and addresses the front ends use to reach the controller (repeatable; default: localhost,"
                    + " 127.0.0.1, ::1 for a new CA)")
    List<String> hosts;

    @Option(names = "--radio", paramLabel = "ID", split = ",", description = "radio ids to certify (repeatable)")
    List<String> radios = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        boolean fresh = !Files.exists(dir.resolve(TlsFiles.CA_KEY));
        LabCertificates lab = fresh ? LabCertificates.newCa(dir, this.lab) : LabCertificates.open(dir);
        if (fresh || hosts != null) {
            List<String> h = hosts != null ? hosts : List.of("localhost", "127.0.0.1", "::1");
            lab.controller(h);
            System.out.println("controller certificate for " + String.join(", ", h) + ": " + dir.resolve(TlsFiles.CONTROLLER_CERT));
        }
        for (String id : radios) {
            lab.radio(id);
            System.out.println("radio '" + id + "': " + dir.resolve(TlsFiles.radioCert(id)));
        }
        System.out.println((fresh ? "new CA: " : "CA: ") + dir.resolve(TlsFiles.CA_CERT)
                + "; keep " + dir.resolve(TlsFiles.CA_KEY) + " off the radios");
        return 0;
    }
}
