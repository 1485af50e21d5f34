"""Kinds of business in the demo city: their KBLI, how such businesses are named, what they sell."""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from pembinaan.registry.kbli import category_of


@dataclass(frozen=True)
class Kind:
    """A kind of business: its KBLI, how such businesses are named, what they sell."""

    weight: float
    category: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    products: tuple[str, ...]
    female_share: float = 0.5
    median_sales: int = 120_000_000
    food: bool = False
    words: tuple[str, ...] = ()


# Name templates: {hon} a form of address matching the owner's gender, {nama} what the owner is
# called, {brand} a shop brand, {kel} the kelurahan, {w} one of the kind's `words`.
KINDS = (
    # --- C: industri pengolahan -----------------------------------------------------------------
    Kind(6, "C", ("10792", "10710"),
         ("Kue Bingka {hon} {nama}", "Wadai Banjar {hon} {nama}", "Wadai {w} {hon} {nama}",
          "Dapur Wadai {nama}", "{brand} Bakery", "Kue {w} {brand}", "Toko Kue {hon} {nama}"),
         ("bingka kentang", "bingka barandam", "amparan tatak", "putri selat", "lapis Banjar",
          "kararaban", "hintalu karuang", "bolu peca", "sari muka", "kelepon", "roti pisang", "bolu gulung"),
         female_share=0.9, median_sales=60_000_000, food=True,
         words=("Bingka", "Amparan Tatak", "Lapis", "Basah", "Bolu", "Apam")),
    Kind(4, "C", ("10794",),
         ("Kerupuk Ikan Haruan {hon} {nama}", "Kerupuk {w} {nama}", "Amplang {brand}",
          "Amplang {w} {kel}", "Keripik {w} {hon} {nama}", "Kerupuk {brand}"),
         ("kerupuk ikan haruan", "kerupuk ikan pipih", "amplang ikan", "keripik kelakai",
          "keripik pisang", "rengginang", "kerupuk udang", "keripik singkong balado"),
         female_share=0.75, median_sales=70_000_000, food=True,
         words=("Haruan", "Pipih", "Saluang", "Udang", "Pisang", "Kelakai", "Papuyu")),
    Kind(2, "C", ("10213", "10215"),
         ("Ikan Asin {hon} {nama}", "Iwak Karing {hon} {nama}", "Iwak Wadi {brand}",
          "Pengasapan Ikan {nama}", "Ikan Kering {brand}"),
         ("ikan asin sepat", "ikan gabus kering (karing haruan)", "iwak wadi", "ikan asin telang",
          "ikan salai", "udang kering"),
         female_share=0.6, median_sales=80_000_000, food=True),
    Kind(3, "C", ("10750", "10799", "10772"),
         ("Sambal {w} {hon} {nama}", "Abon Ikan {nama}", "Dapur {brand}", "Frozen Food {brand}",
          "Olahan {w} {brand}", "Bumbu Banjar {hon} {nama}"),
         ("sambal acan", "sambal raja", "abon ikan haruan", "bumbu soto Banjar", "pentol beku",
          "nugget ikan", "rendang", "masak habang siap saji", "kerupuk mentah"),
         female_share=0.75, median_sales=70_000_000, food=True,
         words=("Acan", "Raja", "Ikan", "Bawang", "Pedas")),
    Kind(2.5, "C", ("11040", "10761"),
         ("Kopi {w} {kel}", "Es {w} {nama}", "Minuman {brand}", "Teh {w} {brand}", "Kopi {brand}"),
         ("kopi bubuk Aranio", "teh serai", "minuman jahe", "es jeruk Siam Banjar", "sirup kayu manis",
          "kopi liberika", "jus buah"),
         female_share=0.4, median_sales=90_000_000, food=True,
         words=("Aranio", "Banua", "Liberika", "Jeruk", "Serai", "Tebu", "Kelapa Muda")),
    Kind(1.5, "C", ("10392", "10391"),
         ("Tahu Tempe {hon} {nama}", "Pabrik Tahu {brand}", "Tempe {nama}"),
         ("tahu putih", "tahu goreng", "tempe kedelai", "tempe daun", "susu kedelai"),
         female_share=0.4, median_sales=150_000_000, food=True),
    Kind(3, "C", ("13134", "14111"),
         ("Sasirangan {brand}", "Sasirangan {w}", "Galeri Sasirangan {nama}", "Sasirangan {hon} {nama}",
          "Sasirangan {kel}", "Butik Sasirangan {brand}"),
         ("kain sasirangan", "kemeja sasirangan", "selendang sasirangan", "jilbab sasirangan",
          "masker kain", "tas sasirangan", "gamis sasirangan"),
         female_share=0.8, median_sales=100_000_000,
         words=("Galuh", "Bungas", "Banjar", "Kampung Melayu", "Antasari", "Bintang", "Intan", "Permata")),
    Kind(2.5, "C", ("14111", "14120"),
         ("Penjahit {nama}", "Konveksi {brand}", "Modiste {hon} {nama}", "Jahit {nama}", "{nama} Tailor"),
         ("jahit pakaian", "seragam sekolah", "seragam kantor", "baju kurung", "gamis",
          "permak celana", "kaos sablon"),
         female_share=0.65, median_sales=60_000_000),
    Kind(1.5, "C", ("16293", "16292", "16221"),
         ("Kerajinan Purun {hon} {nama}", "Anyaman {w} {brand}", "Kerajinan {brand}", "Purun {kel}"),
         ("tas purun", "tikar purun", "bakul", "topi tanggui", "anyaman rotan", "kerajinan kayu ulin",
          "miniatur jukung"),
         female_share=0.75, median_sales=40_000_000,
         words=("Purun", "Rotan", "Bambu", "Eceng Gondok")),
    Kind(1, "C", ("31001",),
         ("Mebel {brand}", "Meubel {nama}", "Furnitur {brand}"),
         ("lemari", "kursi kayu", "meja makan", "kusen pintu dan jendela", "ranjang", "meja belajar"),
         female_share=0.08, median_sales=250_000_000),
    Kind(0.7, "C", ("32111", "32112"),
         ("Perhiasan {brand}", "Pengrajin Perak {nama}", "Intan {brand}"),
         ("cincin perak", "gelang batu permata", "kalung emas", "batu akik", "kerajinan intan"),
         female_share=0.3, median_sales=300_000_000),
    Kind(1, "C", ("18111", "18112"),
         ("Percetakan {brand}", "Sablon {nama}", "{brand} Printing"),
         ("undangan", "spanduk", "stiker", "sablon kaos", "kemasan produk", "kartu nama"),
         female_share=0.3, median_sales=180_000_000),
    # --- G: perdagangan dan reparasi ------------------------------------------------------------
    Kind(9, "G", ("47112", "47111", "47191"),
         ("Toko {nama}", "Warung Sembako {hon} {nama}", "Toko {brand}", "Toko Kelontong {brand}",
          "Warung {hon} {nama}", "Toko Sembako {brand}", "Minimarket {brand}"),
         ("sembako", "beras", "minyak goreng", "gula", "gas elpiji 3 kg", "air galon", "rokok",
          "makanan ringan", "telur", "sabun dan deterjen"),
         female_share=0.55, median_sales=240_000_000),
    Kind(3, "G", ("47711", "47712"),
         ("Butik {nama}", "Toko Pakaian {brand}", "{brand} Fashion", "Toko Busana Muslim {brand}",
          "Galeri {nama}"),
         ("pakaian wanita", "busana muslim", "jilbab", "pakaian anak", "sarung", "mukena"),
         female_share=0.8, median_sales=150_000_000),
    Kind(3, "G", ("47911", "47919"),
         ("{nama} Shop", "{brand} Store", "{nama} Olshop", "{brand} Online", "Lapak {nama}"),
         ("jualan online", "kosmetik", "hijab", "makanan ringan", "perlengkapan bayi",
          "produk UMKM Banua", "aksesoris HP"),
         female_share=0.75, median_sales=90_000_000),
    Kind(3.5, "G", ("45405", "45407", "45201"),
         ("Bengkel Motor {hon} {nama}", "Bengkel {brand} Motor", "{brand} Motor", "Bengkel {nama}",
          "Tambal Ban {hon} {nama}", "Servis Motor {nama}"),
         ("servis motor", "ganti oli", "tambal ban", "suku cadang motor", "cuci motor", "servis mobil"),
         female_share=0.04, median_sales=130_000_000),
    Kind(2.5, "G", ("47412", "47413"),
         ("{nama} Cell", "{brand} Cell", "Konter {nama}", "{brand} Ponsel", "{nama} Phone"),
         ("pulsa", "paket data", "aksesoris HP", "HP bekas", "token listrik", "servis HP"),
         female_share=0.35, median_sales=120_000_000),
    Kind(2.5, "G", ("47215", "47221", "47211"),
         ("Lapak Ikan {hon} {nama}", "Jual Ikan {w} {nama}", "Sayur {hon} {nama}",
          "Pedagang Pasar {hon} {nama}", "Kios {nama}"),
         ("ikan haruan", "ikan patin", "ikan papuyu", "sayur mayur", "buah-buahan", "daging ayam",
          "bumbu dapur"),
         female_share=0.65, median_sales=100_000_000,
         words=("Segar", "Sungai", "Haruan", "Papuyu", "Patin")),
    Kind(1.5, "G", ("47524", "47521"),
         ("Toko Bangunan {brand}", "Toko Besi {brand}", "Material {brand}"),
         ("semen", "besi beton", "kayu ulin", "cat", "paku", "pipa", "keramik"),
         female_share=0.25, median_sales=600_000_000),
    Kind(1, "G", ("46311", "46321"),
         ("Grosir Beras {brand}", "UD {brand}", "CV {brand}", "Agen {brand}"),
         ("beras Banjar", "beras unus", "gula pasir", "telur ayam", "minyak goreng curah"),
         female_share=0.35, median_sales=900_000_000),
    # --- I: penyediaan akomodasi dan makan minum ------------------------------------------------
    Kind(7, "I", ("56102", "56103"),
         ("Warung Makan {hon} {nama}", "Rumah Makan {brand}", "Depot {nama}", "Soto Banjar {hon} {nama}",
          "Nasi Kuning {hon} {nama}", "Ketupat Kandangan {hon} {nama}", "Lontong Orari {nama}",
          "Nasi Itik Gambut {hon} {nama}", "Warung {w} {hon} {nama}", "Depot {w} {brand}",
          "Warung Makan {brand}"),
         ("nasi kuning", "soto Banjar", "ketupat Kandangan", "lontong", "nasi itik", "mandai",
          "ikan bakar", "sop buntut", "masak habang", "gangan asam"),
         female_share=0.7, median_sales=90_000_000, food=True,
         words=("Soto", "Bakso", "Nasi Sop", "Ayam Penyet", "Sate", "Mie Bancir", "Haruan Bakar")),
    Kind(4, "I", ("56104", "56103"),
         ("Pentol {nama}", "Gorengan {hon} {nama}", "Bakso {hon} {nama}", "Es {w} {nama}",
          "Jajanan {brand}", "Pentol Bakar {brand}", "Kue Apam {hon} {nama}", "Martabak {brand}"),
         ("pentol", "gorengan", "bakso", "martabak", "es campur", "jasuke", "cireng", "pisang goreng"),
         female_share=0.5, median_sales=45_000_000, food=True,
         words=("Campur", "Doger", "Kelapa Muda", "Teh", "Cincau", "Kopyor")),
    Kind(3.5, "I", ("56303", "56301"),
         ("Kedai Kopi {brand}", "Warung Kopi {hon} {nama}", "Kafe {brand}", "{brand} Coffee",
          "Kopi {w} {nama}", "Warkop {nama}"),
         ("kopi susu", "teh tarik", "roti bakar", "mie rebus", "kopi Aranio", "jus"),
         female_share=0.3, median_sales=110_000_000, food=True,
         words=("Susu", "Tubruk", "Sanger", "Aranio", "Siring")),
    Kind(2.5, "I", ("56210",),
         ("Katering {hon} {nama}", "{brand} Catering", "Dapur {nama}", "Katering {brand}",
          "Nasi Kotak {hon} {nama}"),
         ("nasi kotak", "prasmanan", "kue kotak", "katering harian", "tumpeng"),
         female_share=0.8, median_sales=200_000_000, food=True),
    Kind(0.5, "I", ("55130", "55199"),
         ("Homestay {brand}", "Penginapan {brand}", "Wisma {nama}"),
         ("kamar harian", "kamar bulanan", "paket wisata pasar terapung"),
         female_share=0.45, median_sales=250_000_000),
    # --- S: aktivitas jasa lainnya --------------------------------------------------------------
    Kind(2.5, "S", ("96112",),
         ("Salon {nama}", "Salon Kecantikan {brand}", "{nama} Beauty", "Rias Pengantin {hon} {nama}",
          "Salon Muslimah {brand}"),
         ("potong rambut", "creambath", "rias pengantin", "facial", "pewarnaan rambut", "sewa baju pengantin"),
         female_share=0.9, median_sales=70_000_000),
    Kind(1.5, "S", ("96111",),
         ("Pangkas Rambut {nama}", "{brand} Barbershop", "Barbershop {nama}", "Pangkas Rambut {brand}"),
         ("potong rambut pria", "cukur", "pewarnaan rambut"),
         female_share=0.08, median_sales=50_000_000),
    Kind(2, "S", ("96200",),
         ("{brand} Laundry", "Laundry {nama}", "{nama} Laundry", "Laundry Kiloan {brand}"),
         ("cuci kiloan", "cuci setrika", "cuci karpet", "dry cleaning"),
         female_share=0.65, median_sales=80_000_000),
    Kind(1.5, "S", ("95120", "95210"),
         ("Servis HP {nama}", "{nama} Elektronik", "Servis Elektronik {brand}", "Reparasi {brand}"),
         ("servis HP", "servis TV", "servis kipas angin", "ganti LCD", "servis mesin cuci"),
         female_share=0.06, median_sales=60_000_000),
    # --- A, N, M -------------------------------------------------------------------------------
    Kind(1.3, "A", ("03221", "03222"),
         ("Budidaya Ikan {nama}", "Kolam Ikan {brand}", "Keramba {hon} {nama}", "Pokdakan {brand}"),
         ("ikan nila", "ikan patin", "ikan haruan", "ikan papuyu", "bibit ikan", "ikan lele"),
         female_share=0.2, median_sales=90_000_000),
    Kind(0.8, "A", ("01131", "01135"),
         ("Hidroponik {brand}", "Kebun Sayur {nama}", "Tani {brand}"),
         ("sayur hidroponik", "kangkung", "bayam", "cabai rawit", "tomat"),
         female_share=0.4, median_sales=50_000_000),
    Kind(0.7, "A", ("01462", "01463", "01466"),
         ("Peternakan Ayam {nama}", "Ternak Itik {hon} {nama}", "Peternakan {brand}"),
         ("ayam potong", "telur itik Alabio", "itik", "ayam kampung"),
         female_share=0.3, median_sales=150_000_000),
    Kind(1, "N", ("82190",),
         ("Fotokopi {brand}", "{nama} Fotokopi & ATK", "Fotokopi {nama}"),
         ("fotokopi", "penjilidan", "cetak dokumen", "alat tulis kantor", "laminating"),
         female_share=0.45, median_sales=70_000_000),
    Kind(0.8, "N", ("77299", "77210"),
         ("Sewa Tenda {nama}", "Persewaan {brand}", "Dekorasi {brand}"),
         ("sewa tenda", "sewa kursi", "dekorasi pengantin", "sewa sound system"),
         female_share=0.35, median_sales=120_000_000),
    Kind(0.5, "N", ("79120",),
         ("{brand} Tour & Travel", "Travel {brand}"),
         ("paket umrah", "tiket pesawat", "wisata susur sungai", "antar jemput bandara"),
         female_share=0.4, median_sales=400_000_000),
    Kind(0.7, "M", ("74201", "74100"),
         ("{nama} Photography", "Studio Foto {brand}", "{brand} Kreatif", "Desain {brand}"),
         ("foto pengantin", "pas foto", "desain logo", "desain kemasan", "video dokumentasi"),
         female_share=0.35, median_sales=60_000_000),
    Kind(0.4, "M", ("73100",),
         ("{brand} Advertising", "Reklame {brand}"),
         ("papan nama", "neon box", "iklan media sosial", "baliho"),
         female_share=0.3, median_sales=200_000_000),
)  # fmt: skip

_FORMATTER = string.Formatter()


def _fields_of(template: str) -> frozenset[str]:
    return frozenset(name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name)


TEMPLATE_FIELDS = {t: _fields_of(t) for kind in KINDS for t in kind.names}
KIND_CUM = list(itertools.accumulate(k.weight for k in KINDS))


def _check_catalogue() -> None:
    """Each kind's KBLI codes must belong to its category (a mistake here would seed bad data)."""
    for kind in KINDS:
        for code in kind.codes:
            if category_of(code) != kind.category:
                raise ImproperlyConfigured(f"seed_demo: KBLI {code} is not in category {kind.category}")


_check_catalogue()
