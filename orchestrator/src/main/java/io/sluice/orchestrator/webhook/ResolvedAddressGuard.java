package io.sluice.orchestrator.webhook;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import io.sluice.config.WebhookSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The SSRF guard on resolved addresses: a URL passes when its scheme is {@code http} or {@code https}, it carries no
 * user-info, it names a host, and every address that host resolves to is public or covered by an allow-listed block
 * ({@code sluice.webhooks.allow-addresses}). One non-public address is enough to refuse: a receiver's client may
 * connect to any of them.
 *
 * <p>Non-public means inside one of {@link #REFUSED_BLOCKS} (loopback, private, CGNAT, link-local, unique-local,
 * multicast, unspecified, broadcast, cloud metadata). An IPv6 address that embeds an IPv4 one (IPv4-mapped
 * {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}) is judged by the embedded address too, since a
 * dual-stack socket delivers it there. Cloud metadata reached by name ({@code metadata.google.internal}) is refused
 * before resolving. Block matching is the ipaddress library's, for both families.
 *
 * <p>Thread-safe and stateless apart from the allow-list; {@link #refusal} blocks on DNS.
 */
public final class ResolvedAddressGuard implements DestinationGuard {

  /** Resolves a host name or literal to all its addresses, as {@link InetAddress#getAllByName} does. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A block of addresses that is not called and why; the first block containing an address names its reason. */
  private record Block(IPAddress range, String reason) {
    static Block of(String cidr, String reason) {
      return new Block(parse(cidr), reason);
    }
  }

  /** Most specific first, so that 169.254.169.254 is reported as metadata rather than as link-local. */
  private static final List<Block> REFUSED_BLOCKS = List.of(
      Block.of("169.254.169.254/32", "a cloud metadata address"),
      Block.of("fd00:ec2::254/128", "a cloud metadata address"),
      Block.of("255.255.255.255/32", "the broadcast address"),
      Block.of("0.0.0.0/8", "an unspecified (this-network) address"),
      Block.of("::/128", "the unspecified address"),
      Block.of("127.0.0.0/8", "a loopback address"),
      Block.of("::1/128", "a loopback address"),
      Block.of("10.0.0.0/8", "a private address"),
      Block.of("172.16.0.0/12", "a private address"),
      Block.of("192.168.0.0/16", "a private address"),
      Block.of("100.64.0.0/10", "a carrier-grade NAT address"),
      Block.of("169.254.0.0/16", "a link-local address"),
      Block.of("fe80::/10", "a link-local address"),
      Block.of("fec0::/10", "a site-local address"),
      Block.of("fc00::/7", "a unique-local address"),
      Block.of("224.0.0.0/4", "a multicast address"),
      Block.of("ff00::/8", "a multicast address"));

  /** Host names of metadata services that answer on a link-local address the cloud's resolver knows. */
  private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal");

  private final List<IPAddress> allowed;
  private final Resolver resolver;

  /**
   * @param allowAddresses CIDR blocks let through although non-public, e.g. {@code 127.0.0.0/8}, {@code ::1/128}
   * @throws IllegalArgumentException naming a block that is not CIDR
   */
  public ResolvedAddressGuard(List<String> allowAddresses) {
    this(allowAddresses, InetAddress::getAllByName);
  }

  ResolvedAddressGuard(List<String> allowAddresses, Resolver resolver) {
    this.allowed = allowAddresses.stream().map(ResolvedAddressGuard::parse).toList();
    this.resolver = resolver;
  }

  /** The guard of {@code sluice.webhooks.allow-addresses}. */
  public static ResolvedAddressGuard from(WebhookSettings settings) {
    return new ResolvedAddressGuard(settings.allowAddresses());
  }

  @Override
  public Optional<String> refusal(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(scheme.isEmpty() ? "the URL has no scheme: only http and https are allowed"
          : "scheme " + scheme + " is not allowed: only http and https");
    }
    if (url.getRawUserInfo() != null) {
      // Not echoed: user-info is a password more often than not.
      return Optional.of("the URL must not carry user-info");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("the URL has no host");
    }
    String name = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    if (METADATA_HOSTS.contains(name)) {
      return Optional.of("host " + name + " is a cloud metadata service");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | SecurityException e) {
      return Optional.of("host " + host + " does not resolve");
    }
    // URI keeps an IPv6 literal in brackets.
    boolean literal = new IPAddressString(host.replaceAll("^\\[|]$", "")).isIPAddress();
    for (InetAddress address : addresses) {
      Optional<String> why = reason(address);
      if (why.isPresent()) {
        String shown = of(address).toCanonicalString();
        return Optional.of(literal ? shown + " is " + why.get()
            : "host " + host + " resolves to " + shown + ", " + why.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Why this one address may not be called, e.g. {@code "a private address"}; empty if it may. An allow-listed block
   * lets the address through whatever it is.
   */
  Optional<String> reason(InetAddress address) {
    IPAddress ip = of(address);
    Optional<String> reason = reason(ip);
    if (reason.isEmpty() && ip instanceof IPv6Address v6 && (v6.isIPv4Mapped() || v6.isIPv4Compatible())
        && !v6.isLoopback() && !v6.isAnyLocal()) {
      IPv4Address embedded = v6.getEmbeddedIPv4Address();
      reason = reason(embedded).map(why -> "IPv4-mapped " + embedded.toCanonicalString() + ", " + why);
    }
    return reason;
  }

  private Optional<String> reason(IPAddress ip) {
    if (allowed.stream().anyMatch(block -> block.contains(ip))) {
      return Optional.empty();
    }
    return REFUSED_BLOCKS.stream().filter(block -> block.range().contains(ip)).map(Block::reason).findFirst();
  }

  private static IPAddress of(InetAddress address) {
    // No zone: fe80::1%eth0 is judged as fe80::1.
    return address instanceof Inet4Address v4 ? new IPv4Address(v4)
        : new IPv6Address(address.getAddress());
  }

  /** A CIDR block as the whole block, so that 127.0.0.1/8 means 127.0.0.0/8. */
  private static IPAddress parse(String cidr) {
    IPAddress address = new IPAddressString(cidr.trim()).getAddress();
    if (address == null || address.getNetworkPrefixLength() == null) {
      throw new IllegalArgumentException("not a CIDR block: " + cidr);
    }
    return address.toPrefixBlock();
  }
}
