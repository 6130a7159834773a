/* test-endpoint-url.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qm-endpoint-url.h"
#include "qm-error.h"

static void
test_check (void)
{
  static const struct {
    const char *url;
    gboolean    allow_insecure;
    const char *expected;   /* NULL: refused */
    int         code;
  } cases[] = {
    { "https://wms.east.example.com/qm/", FALSE, "https://wms.east.example.com/qm/", 0 },
    { "https://wms.east.example.com/qm", FALSE, "https://wms.east.example.com/qm/", 0 },
    { "https://wms.east.example.com", FALSE, "https://wms.east.example.com/", 0 },
    { "http://127.0.0.1:8001", FALSE, "http://127.0.0.1:8001/", 0 },
    { "http://127.9.8.7:8001/x/", FALSE, "http://127.9.8.7:8001/x/", 0 },
    { "http://[::1]:8001/", FALSE, "http://[::1]:8001/", 0 },
    { "http://localhost:8001/", FALSE, "http://localhost:8001/", 0 },
    { "http://wms.east.example.com/", FALSE, NULL, QM_ERROR_REFUSED },
    { "http://10.0.0.5/", FALSE, NULL, QM_ERROR_REFUSED },
    { "http://128.0.0.1/", FALSE, NULL, QM_ERROR_REFUSED },
    { "http://wms.east.example.com/", TRUE, "http://wms.east.example.com/", 0 },
    { "ftp://wms.east.example.com/", FALSE, NULL, QM_ERROR_INVALID_INPUT },
    { "wms.east.example.com", FALSE, NULL, QM_ERROR_INVALID_INPUT },
    { "https:///nohost", FALSE, NULL, QM_ERROR_INVALID_INPUT },
    { "https://user:pw@wms.example.com/", FALSE, NULL, QM_ERROR_INVALID_INPUT },
    { "https://wms.example.com/?token=abc", FALSE, NULL, QM_ERROR_INVALID_INPUT },
    { "", FALSE, NULL, QM_ERROR_INVALID_INPUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = qm_endpoint_url_check (cases[i].url, cases[i].allow_insecure,
                                                       &error);

      g_test_message ("%s", cases[i].url);
      g_assert_cmpstr (result, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, QM_ERROR, cases[i].code);
      else
        g_assert_no_error (error);
    }
}

static void
test_resolve (void)
{
  g_autofree char *a = qm_endpoint_url_resolve ("https://wms.example.com/qm/", "v1/warehouse");
  g_autofree char *b = qm_endpoint_url_resolve ("http://127.0.0.1:8001/", "v1/stock?page_size=10");

  g_assert_cmpstr (a, ==, "https://wms.example.com/qm/v1/warehouse");
  g_assert_cmpstr (b, ==, "http://127.0.0.1:8001/v1/stock?page_size=10");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/endpoint-url/check", test_check);
  g_test_add_func ("/endpoint-url/resolve", test_resolve);

  return g_test_run ();
}
