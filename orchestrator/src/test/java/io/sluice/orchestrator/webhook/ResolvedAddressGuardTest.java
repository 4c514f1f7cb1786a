package io.sluice.orchestrator.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard. Literal addresses need no DNS; host names go through a resolver given here, so that no test depends
 * on the machine's resolver.
 */
class ResolvedAddressGuardTest {
  private static final ResolvedAddressGuard GUARD = new ResolvedAddressGuard(List.of());

  /** A guard whose resolver knows only these names. */
  private static ResolvedAddressGuard withNames(List<String> allow, Map<String, List<String>> names) {
    return new ResolvedAddressGuard(allow, host -> {
      List<String> addresses = names.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      InetAddress[] resolved = new InetAddress[addresses.size()];
      for (int i = 0; i < resolved.length; i++) {
        resolved[i] = InetAddress.getByName(addresses.get(i));
      }
      return resolved;
    });
  }

  private static String refused(ResolvedAddressGuard guard, String url) {
    Optional<String> refusal = guard.refusal(URI.create(url));
    assertTrue(refusal.isPresent(), url + " should be refused");
    return refusal.get();
  }

  @Test
  void publicAddressesOfBothFamiliesPass() {
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("https://93.184.215.14/hooks")));
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:8080/")));
    // Just outside the refused blocks on either side.
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("http://172.32.0.1/")));
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("http://100.128.0.1/")));
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("http://11.0.0.1/")));
  }

  @Test
  void onlyHttpAndHttpsAreAllowed() {
    assertEquals("scheme ftp is not allowed: only http and https", refused(GUARD, "ftp://93.184.215.14/file"));
    assertEquals("scheme file is not allowed: only http and https", refused(GUARD, "file:///etc/passwd"));
    assertEquals("scheme gopher is not allowed: only http and https", refused(GUARD, "gopher://93.184.215.14/"));
    assertEquals("the URL has no scheme: only http and https are allowed", refused(GUARD, "//93.184.215.14/x"));
    assertEquals(Optional.empty(), GUARD.refusal(URI.create("HTTPS://93.184.215.14/")));
  }

  @Test
  void userInfoAndMissingHostsAreRefusedWithoutEchoingTheUserInfo() {
    String refusal = refused(GUARD, "https://admin:hunter2@93.184.215.14/");
    assertEquals("the URL must not carry user-info", refusal);
    assertEquals("the URL has no host", refused(GUARD, "http:///path"));
    assertEquals("the URL has no host", refused(GUARD, "http://under_score.example/"));
  }

  @Test
  void everyNonPublicKindOfIpv4AddressIsRefusedWithItsReason() {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("127.0.0.1", "127.0.0.1 is a loopback address"),
        Map.entry("127.8.9.10", "127.8.9.10 is a loopback address"),
        Map.entry("10.1.2.3", "10.1.2.3 is a private address"),
        Map.entry("172.16.0.1", "172.16.0.1 is a private address"),
        Map.entry("172.31.255.254", "172.31.255.254 is a private address"),
        Map.entry("192.168.1.1", "192.168.1.1 is a private address"),
        Map.entry("100.64.0.1", "100.64.0.1 is a carrier-grade NAT address"),
        Map.entry("100.127.255.254", "100.127.255.254 is a carrier-grade NAT address"),
        Map.entry("169.254.10.1", "169.254.10.1 is a link-local address"),
        Map.entry("169.254.169.254", "169.254.169.254 is a cloud metadata address"),
        Map.entry("0.0.0.0", "0.0.0.0 is an unspecified (this-network) address"),
        Map.entry("224.0.0.1", "224.0.0.1 is a multicast address"),
        Map.entry("239.255.255.250", "239.255.255.250 is a multicast address"),
        Map.entry("255.255.255.255", "255.255.255.255 is the broadcast address"));
    expected.forEach((address, why) -> assertEquals(why, refused(GUARD, "http://" + address + ":8080/hook")));
  }

  @Test
  void everyNonPublicKindOfIpv6AddressIsRefusedWithItsReason() {
    Map<String, String> expected = Map.of(
        "::1", "::1 is a loopback address",
        "::", ":: is the unspecified address",
        "fe80::1", "fe80::1 is a link-local address",
        "fc00::1", "fc00::1 is a unique-local address",
        "fd12:3456::1", "fd12:3456::1 is a unique-local address",
        "fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address",
        "fec0::1", "fec0::1 is a site-local address",
        "ff02::1", "ff02::1 is a multicast address");
    expected.forEach((address, why) -> assertEquals(why, refused(GUARD, "https://[" + address + "]/hook")));
  }

  @Test
  void anIpv4MappedIpv6AddressIsJudgedByTheIpv4AddressItCarries() throws Exception {
    // Java's resolver turns a mapped literal into the IPv4 address, so the URL is refused for that address...
    assertEquals("127.0.0.1 is a loopback address", refused(GUARD, "http://[::ffff:127.0.0.1]/"));
    // ...and an IPv6 address object holding a mapped address, as a socket may report it, is refused as such.
    assertEquals(Optional.of("IPv4-mapped 10.0.0.1, a private address"), GUARD.reason(mapped(10, 0, 0, 1)));
    assertEquals(Optional.of("IPv4-mapped 169.254.169.254, a cloud metadata address"),
        GUARD.reason(mapped(169, 254, 169, 254)));
    assertEquals(Optional.empty(), GUARD.reason(mapped(93, 184, 215, 14)));
    assertEquals(Optional.empty(), new ResolvedAddressGuard(List.of("10.0.0.0/8")).reason(mapped(10, 0, 0, 1)));
  }

  private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) a;
    bytes[13] = (byte) b;
    bytes[14] = (byte) c;
    bytes[15] = (byte) d;
    return Inet6Address.getByAddress(null, bytes, null);
  }

  @Test
  void loopbackPassesOnlyWhenAnAllowedBlockCoversIt() {
    assertEquals("127.0.0.1 is a loopback address", refused(GUARD, "http://127.0.0.1:8080/hook"));
    ResolvedAddressGuard loopbackAllowed = new ResolvedAddressGuard(List.of("127.0.0.0/8"));
    assertEquals(Optional.empty(), loopbackAllowed.refusal(URI.create("http://127.0.0.1:8080/hook")));
    assertEquals(Optional.empty(), loopbackAllowed.refusal(URI.create("http://127.200.0.1/hook")));
    // The block covers IPv4 loopback only; the rest stays refused.
    assertEquals("::1 is a loopback address", refused(loopbackAllowed, "http://[::1]/"));
    assertEquals("10.0.0.1 is a private address", refused(loopbackAllowed, "http://10.0.0.1/"));
    ResolvedAddressGuard bothFamilies = new ResolvedAddressGuard(List.of("127.0.0.1/8", " ::1/128"));
    assertEquals(Optional.empty(), bothFamilies.refusal(URI.create("http://127.0.0.9/")), "127.0.0.1/8 is the block");
    assertEquals(Optional.empty(), bothFamilies.refusal(URI.create("http://[::1]:9000/")));
  }

  @Test
  void aBlockThatIsNotCidrIsRejectedAtConstruction() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ResolvedAddressGuard(List.of("127.0.0.1")));
    assertEquals("not a CIDR block: 127.0.0.1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ResolvedAddressGuard(List.of("300.0.0.0/8")));
  }

  @Test
  void aNameIsRefusedWhenAnyOfItsAddressesIsNonPublic() {
    ResolvedAddressGuard guard = withNames(List.of(), Map.of(
        "hooks.example.com", List.of("93.184.215.14"),
        "mixed.example.com", List.of("93.184.215.14", "10.0.0.7"),
        "rebound.example.com", List.of("::ffff:169.254.169.254")));
    assertEquals(Optional.empty(), guard.refusal(URI.create("https://hooks.example.com/in")));
    assertEquals("host mixed.example.com resolves to 10.0.0.7, a private address",
        refused(guard, "https://mixed.example.com/in"));
    assertEquals("host rebound.example.com resolves to 169.254.169.254, a cloud metadata address",
        refused(guard, "https://rebound.example.com/in"));
  }

  @Test
  void aNameThatDoesNotResolveIsRefused() {
    ResolvedAddressGuard guard = withNames(List.of(), Map.of());
    assertEquals("host nowhere.example.com does not resolve", refused(guard, "https://nowhere.example.com/"));
  }

  @Test
  void theMetadataServiceIsRefusedByNameBeforeAnyLookUp() {
    ResolvedAddressGuard guard = new ResolvedAddressGuard(List.of("0.0.0.0/0", "::/0"), host -> {
      throw new AssertionError("must not resolve " + host);
    });
    assertEquals("host metadata.google.internal is a cloud metadata service",
        refused(guard, "http://metadata.google.internal/computeMetadata/v1/"));
    assertEquals("host metadata.google.internal is a cloud metadata service",
        refused(guard, "http://METADATA.google.internal./computeMetadata/v1/"));
  }
}
