/* garp IFACE IP: broadcast ARP replies claiming IP for our MAC */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (s < 0) { perror("socket"); return 1; }
	struct ifreq ifr = {0}; strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) { perror("hwaddr"); return 1; }
	unsigned char mac[6]; memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) { perror("index"); return 1; }
	unsigned char f[42]; struct ether_header *eh = (void *)f; struct ether_arp *a = (void *)(f + 14);
	memset(eh->ether_dhost, 0xff, 6); memcpy(eh->ether_shost, mac, 6); eh->ether_type = htons(ETH_P_ARP);
	a->arp_hrd = htons(ARPHRD_ETHER); a->arp_pro = htons(ETH_P_IP); a->arp_hln = 6; a->arp_pln = 4; a->arp_op = htons(ARPOP_REPLY);
	memcpy(a->arp_sha, mac, 6); inet_pton(AF_INET, argv[2], a->arp_spa);
	memset(a->arp_tha, 0xff, 6); inet_pton(AF_INET, argv[2], a->arp_tpa);
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifr.ifr_ifindex, .sll_halen = 6 };
	memset(sll.sll_addr, 0xff, 6);
	for (int i = 0; i < 20; i++) { if (sendto(s, f, sizeof f, 0, (void *)&sll, sizeof sll) < 0) { perror("sendto"); return 1; } usleep(200000); }
	puts("sent"); return 0;
}
