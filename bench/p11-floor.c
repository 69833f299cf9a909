/*
 * p11-floor.c - the least any PKCS#11 client of p11-kit's trust module
 * can do to list anchors: load the module, initialise it, open a session
 * on its first token and find every certificate object.  No attribute is
 * read and nothing is printed but the count.  bench/store.sh times it
 * beside 'trustfix list' and 'trust list' to show how much of their time
 * is the module's own.
 *
 *   cc -o p11-floor p11-floor.c $(pkg-config --cflags p11-kit-1) -ldl
 *   p11-floor /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so
 */
#include <dlfcn.h>
#include <stdio.h>

#include <p11-kit/pkcs11.h>

int
main(int argc, char **argv)
{
	CK_C_GetFunctionList get_list;
	CK_FUNCTION_LIST_PTR f;
	CK_SLOT_ID slots[16];
	CK_ULONG nslots = 16, n, total = 0;
	CK_SESSION_HANDLE h;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof(cls) };
	CK_OBJECT_HANDLE objs[256];
	void *dl;

	if (argc != 2 || (dl = dlopen(argv[1], RTLD_NOW)) == NULL) {
		fprintf(stderr, "usage: p11-floor MODULE.so\n");
		return 2;
	}
	get_list = (CK_C_GetFunctionList)dlsym(dl, "C_GetFunctionList");
	if (get_list == NULL || get_list(&f) != CKR_OK ||
	    f->C_Initialize(NULL) != CKR_OK ||
	    f->C_GetSlotList(CK_TRUE, slots, &nslots) != CKR_OK ||
	    nslots == 0 ||
	    f->C_OpenSession(slots[0], CKF_SERIAL_SESSION, NULL, NULL,
	    &h) != CKR_OK ||
	    f->C_FindObjectsInit(h, &tmpl, 1) != CKR_OK) {
		fprintf(stderr, "p11-floor: the module failed\n");
		return 1;
	}
	while (f->C_FindObjects(h, objs, 256, &n) == CKR_OK && n > 0)
		total += n;
	printf("%lu\n", total);
	return 0;
}
